"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { trpc } from "@/server/trpc/react-provider";
import { fieldState } from "./form-errors";
import { MutationError, ShownOnce } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

const empty = { slug: "", nom: "", webhookUrl: "" };
const labels = { slug: "Identifiant (slug)", nom: "Nom", webhookUrl: "URL du webhook" };

export function CreateServiceForm() {
  const router = useRouter();
  const [form, setForm] = useState(empty);
  const create = trpc.services.create.useMutation({
    // Emptied after success: a second click must not try the same slug again.
    onSuccess: () => {
      setForm(empty);
      router.refresh();
    },
  });
  const errors = useFormErrors(create.error, labels);
  const result = create.data;
  return (
    <form
      ref={errors.formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ slug: form.slug, nom: form.nom, ...(form.webhookUrl.trim() ? { webhookUrl: form.webhookUrl } : {}) });
      }}
    >
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Nouveau service connecté</legend>
        <div className="fr-fieldset__element">
          <Input label={labels.slug} hintText="Minuscules, chiffres et tirets, ex. « mon-service »" {...fieldState(errors, "slug")} nativeInputProps={{ name: "slug", required: true, "aria-invalid": errors.fields.slug ? true : undefined, value: form.slug, onChange: (e) => setForm({ ...form, slug: e.target.value }) }} />
        </div>
        <div className="fr-fieldset__element">
          <Input label={labels.nom} {...fieldState(errors, "nom")} nativeInputProps={{ name: "nom", required: true, "aria-invalid": errors.fields.nom ? true : undefined, value: form.nom, onChange: (e) => setForm({ ...form, nom: e.target.value }) }} />
        </div>
        <div className="fr-fieldset__element">
          <Input label={`${labels.webhookUrl} (facultatif)`} hintText="HTTPS en production" {...fieldState(errors, "webhookUrl")} nativeInputProps={{ name: "webhookUrl", type: "url", "aria-invalid": errors.fields.webhookUrl ? true : undefined, value: form.webhookUrl, onChange: (e) => setForm({ ...form, webhookUrl: e.target.value }) }} />
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={create.isPending} iconId="fr-icon-add-line">Créer le service</Button>
        </div>
      </fieldset>
      <MutationError summary={errors.summary} />
      {result && (
        <div role="status">
          <Alert
            className="fr-my-2w"
            severity="success"
            small
            description={<>Service <Link href={`/admin/services/${result.service.id}`}>{result.service.nom}</Link> créé.</>}
          />
          <ShownOnce kind="key" title="Clé d'API du service" value={result.apiKey} testId="created-api-key" />
          {result.webhookSecret && <ShownOnce kind="secret" title="Secret de signature du webhook" value={result.webhookSecret} testId="created-webhook-secret" />}
        </div>
      )}
    </form>
  );
}
