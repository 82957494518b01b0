"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { trpc } from "@/server/trpc/react-provider";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { fieldState } from "./form-errors";
import { MutationError } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

const labels = { email: "Adresse électronique ProConnect", role: "Rôle" };

export function AddOperatorForm() {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"admin" | "lecteur">("lecteur");
  const add = trpc.operators.add.useMutation({
    // Emptied after success: the form is ready for the next operator.
    onSuccess: () => {
      setEmail("");
      setRole("lecteur");
      router.refresh();
    },
  });
  const errors = useFormErrors(add.error, labels);
  return (
    <form ref={errors.formRef} noValidate onSubmit={(e) => { e.preventDefault(); add.mutate({ email, role }); }}>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Ajouter un opérateur ou changer son rôle</legend>
        <div className="fr-fieldset__element">
          <Input label={labels.email} {...fieldState(errors, "email")} nativeInputProps={{ type: "email", required: true, "aria-invalid": errors.fields.email ? true : undefined, value: email, onChange: (e) => setEmail(e.target.value) }} />
        </div>
        <div className="fr-fieldset__element">
          <Select label={labels.role} {...fieldState(errors, "role")} nativeSelectProps={{ value: role, onChange: (e) => setRole(e.target.value as "admin" | "lecteur") }}>
            <option value="lecteur">Lecteur (consultation seulement)</option>
            <option value="admin">Administrateur (toutes les actions)</option>
          </Select>
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={add.isPending}>Enregistrer l'opérateur</Button>
        </div>
      </fieldset>
      <MutationError summary={errors.summary} />
      {add.isSuccess && (
        <div role="status">
          <Alert className="fr-my-2w" severity="success" small description={`Opérateur ${add.data.email} enregistré.`} />
        </div>
      )}
    </form>
  );
}

export function OperatorActiveButton({ operatorId, active, email }: { operatorId: string; active: boolean; email: string }) {
  const router = useRouter();
  const set = trpc.operators.setActive.useMutation({ onSuccess: () => router.refresh() });
  return (
    <>
      <Button size="small" priority="secondary" onClick={() => set.mutate({ operatorId, active: !active })} disabled={set.isPending}>
        {active ? "Désactiver" : "Réactiver"}<span className="fr-sr-only"> {email}</span>
      </Button>
      <MutationError error={set.error} />
    </>
  );
}
