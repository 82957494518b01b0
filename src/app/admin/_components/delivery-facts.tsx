// The facts of one delivery — state, event, recipient, project, changed fields, next attempt — and
// which actions it allows, shared by the console's delivery page and the agents' space (issue #12):
// each page says how it shows the recipient and the project (links to pages of its own).
import type { ReactNode } from "react";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import type { getDelivery } from "@/modules/console/get-delivery";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "./format";

type Delivery = Awaited<ReturnType<typeof getDelivery>>;

/** Replay: a settled delivery; retry now: one waiting for its next automatic attempt (not parked behind a disabled webhook or service). */
export function deliveryActions(delivery: Delivery): { replayable: boolean; retryable: boolean } {
  return {
    replayable: delivery.state === "failed" || delivery.state === "delivered",
    retryable: delivery.state === "pending" && !isParked(delivery.nextAttemptAt) && delivery.nextAttemptAt.getTime() > Date.now(),
  };
}

export function DeliveryFacts({ delivery, recipient, project }: { delivery: Delivery; recipient: { label: string; value: ReactNode }; project: ReactNode }) {
  return (
    <dl>
      <dt className="fr-text--bold">État</dt>
      <dd><Badge severity={deliveryStateSeverity[delivery.state]} data-testid="delivery-state">{deliveryStateLabels[delivery.state]}</Badge></dd>
      <dt className="fr-text--bold">Événement</dt>
      <dd><code>{delivery.eventType}</code> — identifiant <code>{delivery.eventId}</code> (en-tête webhook-id), créé le {formatDateTime(delivery.eventCreatedAt)}</dd>
      <dt className="fr-text--bold">{recipient.label}</dt>
      <dd>{recipient.value}</dd>
      {delivery.projectId && (
        <>
          <dt className="fr-text--bold">Projet</dt>
          <dd>{project} (version {delivery.projectVersion})</dd>
        </>
      )}
      {delivery.changements.length > 0 && (
        <>
          <dt className="fr-text--bold">Champs modifiés</dt>
          <dd>{delivery.changements.join(", ")}</dd>
        </>
      )}
      <dt className="fr-text--bold">Prochaine tentative automatique</dt>
      <dd>
        {delivery.state !== "pending" ? "—" : isParked(delivery.nextAttemptAt) ? "à la réactivation du webhook ou du service" : formatDateTime(delivery.nextAttemptAt)}
      </dd>
    </dl>
  );
}
