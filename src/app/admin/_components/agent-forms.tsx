"use client";
// "Agents du service" (issue #12): admins grant a person (by ProConnect email) the service's space,
// with a level, or withdraw it. Rendered for admins only; the server refuses others (adminProcedure).
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { trpc } from "@/server/trpc/react-provider";
import { ConfirmAction } from "./confirm-action";
import { fieldState } from "./form-errors";
import { MutationError } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

type Level = "lecture" | "gestion";

export function AddAgentForm({ slug }: { slug: string }) {
  const router = useRouter();
  const add = trpc.services.addAgent.useMutation({ onSuccess: () => router.refresh() });
  const [email, setEmail] = useState("");
  const [niveau, setNiveau] = useState<Level>("lecture");
  const errors = useFormErrors(add.error, { email: "Adresse électronique ProConnect de l'agent", niveau: "Niveau d'accès" });
  return (
    <form ref={errors.formRef} noValidate onSubmit={(e) => { e.preventDefault(); add.mutate({ service: slug, email, niveau }); }}>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Donner accès à l'espace du service, ou changer le niveau d'un agent</legend>
        <div className="fr-fieldset__element">
          <Input label="Adresse électronique ProConnect de l'agent" {...fieldState(errors, "email")} nativeInputProps={{ type: "email", required: true, "aria-invalid": errors.fields.email ? true : undefined, value: email, onChange: (e) => setEmail(e.target.value) }} />
        </div>
        <div className="fr-fieldset__element">
          <Select label="Niveau d'accès" {...fieldState(errors, "niveau")} nativeSelectProps={{ "aria-invalid": errors.fields.niveau ? true : undefined, value: niveau, onChange: (e) => setNiveau(e.target.value as Level) }}>
            <option value="lecture">Lecture (consulter l'intégration)</option>
            <option value="gestion">Gestion (modifier le webhook, les clés d'API)</option>
          </Select>
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={add.isPending}>Enregistrer l'agent</Button>
        </div>
      </fieldset>
      <MutationError summary={errors.summary} />
      {add.isSuccess && <p role="status">Agent enregistré.</p>}
    </form>
  );
}

/** Withdrawing a grant asks first (issue #11, "Safety"); `grantId` names the row's modal. */
export function RemoveAgentButton({ slug, email, grantId }: { slug: string; email: string; grantId: string }) {
  const router = useRouter();
  const remove = trpc.services.removeAgent.useMutation({ onSuccess: () => router.refresh() });
  return (
    <>
      <ConfirmAction
        id={`confirm-remove-agent-${grantId}`}
        trigger={<>Retirer l'accès<span className="fr-sr-only"> de {email}</span></>}
        triggerProps={{ size: "small" }}
        disabled={remove.isPending}
        title="Retirer l'accès de cet agent ?"
        confirmLabel="Retirer l'accès"
        onConfirm={() => remove.mutate({ service: slug, email })}
      >
        <p><strong>{email}</strong> n'aura plus accès à l'espace du service : il ne pourra plus en consulter ni en modifier les réglages.</p>
        <p>Vous pourrez lui redonner accès plus tard.</p>
      </ConfirmAction>
      <MutationError error={remove.error} />
    </>
  );
}
