"use client";
// The technical contacts of the agent's service (issue #12, alerts of issue #11), set with `gestion`
// through the space's procedure (checked server-side, audited with the agent as actor).
import { trpc } from "@/server/trpc/react-provider";
import { ContactsEditor } from "../../admin/_components/contacts-editor";

export function EspaceContacts({ serviceId, contacts, canManage }: { serviceId: string; contacts: { id: string; email: string }[]; canManage: boolean }) {
  const set = trpc.espace.setContacts.useMutation();
  return (
    <ContactsEditor
      contacts={contacts}
      canManage={canManage}
      emptyText="Aucun contact technique : seuls les opérateurs de l'ANCT abonnés aux alertes seront prévenus des pannes de votre webhook."
      hintText="Adresse électronique prévenue quand votre webhook échoue, est désactivé ou se rétablit, et dans le récapitulatif quotidien."
      submit={(change) => set.mutateAsync({ serviceId, ...change })}
      pending={set.isPending}
      error={set.error}
      testId="espace-contacts"
    />
  );
}
