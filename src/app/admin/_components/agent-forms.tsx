"use client";
// "Agents du service" (issue #12): admins grant a person (by ProConnect email) the service's space,
// with a level, or withdraw it. Rendered for admins only; the server refuses others (adminProcedure).
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError } from "./mutation-error";

type Level = "lecture" | "gestion";

export function AddAgentForm({ slug }: { slug: string }) {
  const router = useRouter();
  const add = trpc.services.addAgent.useMutation({ onSuccess: () => router.refresh() });
  const [email, setEmail] = useState("");
  const [niveau, setNiveau] = useState<Level>("lecture");
  return (
    <form onSubmit={(e) => { e.preventDefault(); add.mutate({ service: slug, email, niveau }); }}>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Donner accès à l'espace du service, ou changer le niveau d'un agent</legend>
        <div className="fr-fieldset__element">
          <Input label="Adresse électronique ProConnect de l'agent" nativeInputProps={{ type: "email", required: true, value: email, onChange: (e) => setEmail(e.target.value) }} />
        </div>
        <div className="fr-fieldset__element">
          <Select label="Niveau d'accès" nativeSelectProps={{ value: niveau, onChange: (e) => setNiveau(e.target.value as Level) }}>
            <option value="lecture">Lecture (consulter l'intégration)</option>
            <option value="gestion">Gestion (modifier le webhook, les clés d'API)</option>
          </Select>
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={add.isPending}>Enregistrer l'agent</Button>
        </div>
      </fieldset>
      <MutationError error={add.error} />
      {add.isSuccess && <p role="status">Agent enregistré.</p>}
    </form>
  );
}

export function RemoveAgentButton({ slug, email }: { slug: string; email: string }) {
  const router = useRouter();
  const remove = trpc.services.removeAgent.useMutation({ onSuccess: () => router.refresh() });
  return (
    <>
      <Button size="small" priority="secondary" onClick={() => remove.mutate({ service: slug, email })} disabled={remove.isPending}>
        Retirer l'accès<span className="fr-sr-only"> de {email}</span>
      </Button>
      <MutationError error={remove.error} />
    </>
  );
}
