"use client";
// The technical contacts of the agent's service (issue #12, alerts of issue #11), set with `gestion`
// through the space's procedure (checked server-side, audited with the agent as actor).
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError } from "../../admin/_components/mutation-error";

export function EspaceContacts({ serviceId, contacts, canManage }: { serviceId: string; contacts: { id: string; email: string }[]; canManage: boolean }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const set = trpc.espace.setContacts.useMutation({
    onSuccess: (_, input) => {
      setDone((input as { ajouter?: string[] }).ajouter?.length ? "Contact technique ajouté." : "Contact technique retiré.");
      setEmail("");
      router.refresh();
    },
  });
  return (
    <>
      {contacts.length === 0 ? (
        <p>Aucun contact technique : seuls les opérateurs de l'ANCT abonnés aux alertes seront prévenus des pannes de votre webhook.</p>
      ) : (
        <ul data-testid="espace-contacts">
          {contacts.map((c) => (
            <li key={c.id}>
              {c.email}{" "}
              {canManage && (
                <Button size="small" priority="tertiary" disabled={set.isPending} onClick={() => { setDone(null); set.mutate({ serviceId, retirer: [c.email] }); }}>
                  Retirer<span className="fr-sr-only"> {c.email}</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form onSubmit={(e) => { e.preventDefault(); setDone(null); set.mutate({ serviceId, ajouter: [email] }); }}>
          <Input
            label="Ajouter un contact technique"
            hintText="Adresse électronique prévenue quand votre webhook échoue, est désactivé ou se rétablit, et dans le récapitulatif quotidien."
            nativeInputProps={{ type: "email", required: true, value: email, onChange: (e) => setEmail(e.target.value), autoComplete: "email" }}
          />
          <Button type="submit" disabled={set.isPending}>Ajouter le contact</Button>
        </form>
      )}
      <MutationError error={set.error} />
      {done && <div role="status"><Alert className="fr-mt-2w" severity="success" small description={done} /></div>}
    </>
  );
}
