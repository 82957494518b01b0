// The bytes a receiver gets for one delivery: the event's body with the receiver's own view of the
// project merged in. Deterministic (the stored body keeps its key order and the merged keys keep
// their place), so every attempt and replay sends the same bytes under the same webhook-id.
import type { ReceiverView } from "@/db/schema";

export type StoredDeliveryBody = {
  /** `events.body`: null once purged. */
  eventBody: string | null;
  receiverView: ReceiverView | null;
};

type ProjetMessage = { data?: { projet?: { externalId?: unknown; statut?: { service?: unknown } } } };

/** The body to send, or null when retention purged it. */
export function renderDeliveryBody({ eventBody, receiverView }: StoredDeliveryBody): string | null {
  if (eventBody === null) return null;
  if (!receiverView) return eventBody;
  const message = JSON.parse(eventBody) as ProjetMessage;
  const projet = message.data?.projet;
  if (!projet) return eventBody;
  projet.externalId = receiverView.externalId;
  if (projet.statut) projet.statut.service = receiverView.statut;
  return JSON.stringify(message);
}
