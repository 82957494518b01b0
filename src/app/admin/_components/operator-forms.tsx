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
import { ConfirmAction, useConfirmModal } from "./confirm-action";
import { useFormErrors } from "./use-form-errors";

const labels = { email: "Adresse électronique ProConnect", role: "Rôle" };

export function AddOperatorForm({ myEmail }: { myEmail: string }) {
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
  // An admin making themselves lecteur loses this page at once: ask first (issue #11).
  const selfDemotion = useConfirmModal({
    id: "confirm-self-demotion",
    title: "Renoncer à vos droits d'administrateur ?",
    confirmLabel: "Devenir lecteur",
    onConfirm: () => add.mutate({ email, role, confirmSelfDemotion: true }),
    children: (
      <p>
        Vous (<strong>{myEmail}</strong>) deviendrez lecteur : vous ne pourrez plus gérer les opérateurs, les services, les clés ni les webhooks.
        Seul un autre administrateur pourra vous rendre ces droits.
      </p>
    ),
  });
  return (
    <>
    <form
      ref={errors.formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (role === "lecteur" && email.trim().toLowerCase() === myEmail.toLowerCase()) selfDemotion.open();
        else add.mutate({ email, role });
      }}
    >
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
    {selfDemotion.element}
    </>
  );
}

export function OperatorActiveButton({ operatorId, active, email }: { operatorId: string; active: boolean; email: string }) {
  const router = useRouter();
  const set = trpc.operators.setActive.useMutation({ onSuccess: () => router.refresh() });
  return (
    <>
      {active ? (
        <ConfirmAction
          id={`confirm-deactivate-${operatorId}`}
          trigger={<>Désactiver<span className="fr-sr-only"> {email}</span></>}
          triggerProps={{ size: "small" }}
          disabled={set.isPending}
          title="Désactiver cet opérateur ?"
          confirmLabel="Désactiver l'opérateur"
          onConfirm={() => set.mutate({ operatorId, active: false })}
        >
          <p>
            <strong>{email}</strong> ne pourra plus se connecter à la console, et ses sessions ouvertes seront fermées aussitôt. Vous pourrez le
            réactiver plus tard.
          </p>
        </ConfirmAction>
      ) : (
        <Button size="small" priority="secondary" onClick={() => set.mutate({ operatorId, active: true })} disabled={set.isPending}>
          Réactiver<span className="fr-sr-only"> {email}</span>
        </Button>
      )}
      <MutationError error={set.error} />
    </>
  );
}
