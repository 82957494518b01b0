"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError, ShownOnce } from "./mutation-error";

export function CreateServiceForm() {
  const router = useRouter();
  const create = trpc.services.create.useMutation({ onSuccess: () => router.refresh() });
  const [form, setForm] = useState({ slug: "", nom: "", webhookUrl: "" });
  const result = create.data;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ slug: form.slug, nom: form.nom, ...(form.webhookUrl.trim() ? { webhookUrl: form.webhookUrl } : {}) });
      }}
    >
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Nouveau service connecté</legend>
        <div className="fr-fieldset__element">
          <Input label="Identifiant (slug)" hintText="Minuscules, chiffres et tirets, ex. « mon-service »" nativeInputProps={{ name: "slug", required: true, value: form.slug, onChange: (e) => setForm({ ...form, slug: e.target.value }) }} />
        </div>
        <div className="fr-fieldset__element">
          <Input label="Nom" nativeInputProps={{ name: "nom", required: true, value: form.nom, onChange: (e) => setForm({ ...form, nom: e.target.value }) }} />
        </div>
        <div className="fr-fieldset__element">
          <Input label="URL du webhook (facultatif)" hintText="HTTPS en production" nativeInputProps={{ name: "webhookUrl", type: "url", value: form.webhookUrl, onChange: (e) => setForm({ ...form, webhookUrl: e.target.value }) }} />
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={create.isPending} iconId="fr-icon-add-line">Créer le service</Button>
        </div>
      </fieldset>
      <MutationError error={create.error} />
      {result && (
        <div role="status">
          <p>
            Service <Link href={`/admin/services/${result.service.id}`}>{result.service.nom}</Link> créé.
          </p>
          <ShownOnce title="Clé d'API du service" value={result.apiKey} testId="created-api-key" />
          {result.webhookSecret && <ShownOnce title="Secret de signature du webhook" value={result.webhookSecret} testId="created-webhook-secret" />}
        </div>
      )}
    </form>
  );
}
