"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError } from "./mutation-error";

export function AddOperatorForm() {
  const router = useRouter();
  const add = trpc.operators.add.useMutation({ onSuccess: () => router.refresh() });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"admin" | "lecteur">("lecteur");
  return (
    <form onSubmit={(e) => { e.preventDefault(); add.mutate({ email, role }); }}>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Ajouter un opérateur ou changer son rôle</legend>
        <div className="fr-fieldset__element">
          <Input label="Adresse électronique ProConnect" nativeInputProps={{ type: "email", required: true, value: email, onChange: (e) => setEmail(e.target.value) }} />
        </div>
        <div className="fr-fieldset__element">
          <Select label="Rôle" nativeSelectProps={{ value: role, onChange: (e) => setRole(e.target.value as "admin" | "lecteur") }}>
            <option value="lecteur">Lecteur (consultation seulement)</option>
            <option value="admin">Administrateur (toutes les actions)</option>
          </Select>
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={add.isPending}>Enregistrer l'opérateur</Button>
        </div>
      </fieldset>
      <MutationError error={add.error} />
      {add.isSuccess && <p role="status">Opérateur enregistré.</p>}
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
