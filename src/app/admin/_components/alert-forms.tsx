"use client";
// Alerts by email (issue #11): a service's technical contacts, and the operator's own subscription.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { ToggleSwitch } from "@codegouvfr/react-dsfr/ToggleSwitch";
import { trpc } from "@/server/trpc/react-provider";
import { fieldState } from "./form-errors";
import { MutationError } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

export function ServiceContacts({ slug, contacts, isAdmin }: { slug: string; contacts: { id: string; email: string }[]; isAdmin: boolean }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const set = trpc.alerts.setContacts.useMutation({
    onSuccess: (_, input) => {
      setDone(input.ajouter?.length ? "Contact technique ajouté." : "Contact technique retiré.");
      setEmail("");
      router.refresh();
    },
  });
  const errors = useFormErrors(set.error, { ajouter: "Ajouter un contact technique" });
  return (
    <>
      {contacts.length === 0 ? (
        <p>Aucun contact technique : seuls les opérateurs abonnés seront prévenus des pannes de ce webhook.</p>
      ) : (
        <ul>
          {contacts.map((c) => (
            <li key={c.id}>
              {c.email}{" "}
              {isAdmin && (
                <Button size="small" priority="tertiary" disabled={set.isPending} onClick={() => { setDone(null); set.mutate({ service: slug, retirer: [c.email] }); }}>
                  Retirer<span className="fr-sr-only"> {c.email}</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {isAdmin && (
        <form ref={errors.formRef} noValidate onSubmit={(e) => { e.preventDefault(); setDone(null); set.mutate({ service: slug, ajouter: [email] }); }}>
          <Input
            label="Ajouter un contact technique"
            hintText="Adresse électronique prévenue quand le webhook échoue, est désactivé ou se rétablit, et dans le récapitulatif quotidien."
            {...fieldState(errors, "ajouter")}
            nativeInputProps={{ type: "email", required: true, "aria-invalid": errors.fields.ajouter ? true : undefined, value: email, onChange: (e) => setEmail(e.target.value), autoComplete: "email" }}
          />
          <Button type="submit" disabled={set.isPending}>Ajouter le contact</Button>
        </form>
      )}
      <MutationError summary={errors.summary} />
      {done && <Alert className="fr-mt-2w" severity="success" small description={done} />}
    </>
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
