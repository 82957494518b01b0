// The bytes a receiver gets for one delivery: the event's body with the receiver's own view of the
// project merged in. Deterministic (the stored body keeps its key order and the merged keys keep
// their place), so every attempt and replay sends the same bytes under the same webhook-id.
import type { ReceiverView } from "@/db/schema";

/**
 * A receiver's view as `deliveries.receiver_view` stores it: only its non-null fields, and the
 * column itself null when none is set (enqueue-event.ts), since the event's body already holds
 * null in their place. An absent field is sent as null.
 */
export type StoredReceiverView = Partial<ReceiverView>;

export type StoredDeliveryBody = {
  /** `events.body`: null once purged. */
  eventBody: string | null;
  receiverView: StoredReceiverView | null;
};

type ProjetMessage = { data?: { projet?: { externalId?: unknown; statut?: { service?: unknown } } } };

/** The body to send, or null when retention purged it. */
export function renderDeliveryBody({ eventBody, receiverView }: StoredDeliveryBody): string | null {
  if (eventBody === null) return null;
  if (!receiverView) return eventBody;
  const message = JSON.parse(eventBody) as ProjetMessage;
  const projet = message.data?.projet;
  if (!projet) return eventBody;
  projet.externalId = receiverView.externalId ?? null;
  if (projet.statut) projet.statut.service = receiverView.statut ?? null;
  return JSON.stringify(message);
}
