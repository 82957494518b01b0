"use client";
// An endpoint's subscription filter (CONTRACT §8 "Subscriptions", issues #12 and #13): the event
// types and territories it receives, as `service:update --evenements … --territoires …` sets them.
// One form for the operators' console and the agents' space; each passes its own mutation.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError } from "./mutation-error";

const eventLabels: Record<string, string> = {
  "projet.cree": "Création de projet (projet.cree)",
  "projet.modifie": "Modification de projet (projet.modifie)",
  "utilisateur.efface": "Effacement de données personnelles (utilisateur.efface)",
};

type ErrorLike = Parameters<typeof MutationError>[0]["error"];

export function SubscriptionForm(props: {
  eventTypes: readonly string[];
  evenements: string[] | null;
  territoires: string[] | null;
  pending: boolean;
  saved: boolean;
  error: ErrorLike;
  /** Null means "all" (no filter). */
  onSave: (evenements: string[] | null, territoires: string[] | null) => void;
}) {
  const [events, setEvents] = useState<string[]>(props.evenements ?? []);
  const [territories, setTerritories] = useState((props.territoires ?? []).join(" "));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const list = territories.split(/[\s,;]+/).filter(Boolean);
        props.onSave(events.length ? events : null, list.length ? list : null);
      }}
    >
      <Checkbox
        legend="Types d'événements reçus"
        hintText="Aucune case cochée : tous les types. L'événement de test est toujours envoyé."
        options={props.eventTypes.map((type) => ({
          label: eventLabels[type] ?? type,
          nativeInputProps: {
            name: "evenements",
            value: type,
            checked: events.includes(type),
            onChange: (e) => setEvents(e.target.checked ? [...events, type] : events.filter((t) => t !== type)),
          },
        }))}
      />
      <Input
        label="Territoires"
        hintText="Codes séparés par des espaces : reg:84, dep:69, epci:200046977, com:69123. Vide : tous les territoires."
        nativeInputProps={{ value: territories, onChange: (e) => setTerritories(e.target.value) }}
      />
      <Button type="submit" disabled={props.pending}>Enregistrer l'abonnement</Button>
      <MutationError error={props.error} />
      {props.saved && <p role="status" className="fr-text--sm">Abonnement enregistré.</p>}
    </form>
  );
}

/** The console's form (admins, issue #13): `services.update` with the service's slug. */
export function ConsoleSubscriptionForm(props: { slug: string; eventTypes: readonly string[]; evenements: string[] | null; territoires: string[] | null }) {
  const router = useRouter();
  const update = trpc.services.update.useMutation({ onSuccess: () => router.refresh() });
  return (
    <SubscriptionForm
      {...props}
      pending={update.isPending}
      saved={update.isSuccess}
      error={update.error}
      onSave={(evenements, territoires) => update.mutate({ slug: props.slug, evenements, territoires })}
    />
  );
}
