"use client";
// Alerts by email (issue #11): a service's technical contacts, and the operator's own subscription.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { ToggleSwitch } from "@codegouvfr/react-dsfr/ToggleSwitch";
import { trpc } from "@/server/trpc/react-provider";
import { ContactsEditor } from "./contacts-editor";
import { MutationError } from "./mutation-error";

export function ServiceContacts({ slug, contacts, isAdmin }: { slug: string; contacts: { id: string; email: string }[]; isAdmin: boolean }) {
  const set = trpc.alerts.setContacts.useMutation();
  return (
    <ContactsEditor
      contacts={contacts}
      canManage={isAdmin}
      emptyText="Aucun contact technique : seuls les opérateurs abonnés seront prévenus des pannes de ce webhook."
      hintText="Adresse électronique prévenue quand le webhook échoue, est désactivé ou se rétablit, et dans le récapitulatif quotidien."
      submit={(change) => set.mutateAsync({ service: slug, ...change })}
      pending={set.isPending}
      error={set.error}
    />
  );
}

export function AlertSubscriptionSwitch({ subscribed }: { subscribed: boolean }) {
  const router = useRouter();
  const [checked, setChecked] = useState(subscribed);
  const set = trpc.alerts.setMySubscription.useMutation({ onSuccess: (r) => { setChecked(r.alertSubscribed); router.refresh(); } });
  return (
    <>
      <ToggleSwitch
        label="Recevoir les alertes par courriel"
        helperText="Un courriel quand un webhook commence à échouer, est désactivé ou se rétablit, et un récapitulatif quotidien des problèmes ouverts."
        checked={checked}
        disabled={set.isPending}
        onChange={(value) => set.mutate({ subscribed: value })}
        inputTitle="Recevoir les alertes par courriel"
        showCheckedHint={false}
      />
      <MutationError error={set.error} />
      {set.isSuccess && (
        <p role="status" className="fr-mt-2w">{checked ? "Vous recevrez les alertes par courriel." : "Vous ne recevrez plus les alertes par courriel."}</p>
      )}
    </>
  );
}
