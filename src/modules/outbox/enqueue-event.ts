// The write side of the outbox. Called inside the transaction of the change it announces, so that
// the change and its deliveries commit together (no event without its change, and the reverse).
import { and, eq, ne, sql } from "drizzle-orm";
import { ulid } from "ulid";
import { deliveries, events, services, webhookEndpoints } from "@/db/schema";
import type { Tx } from "@/db/client";

export type EventType = "projet.cree" | "projet.modifie" | "utilisateur.efface" | "test.ping";

export type NewEvent = {
  type: EventType;
  projectId?: string | null;
  projectVersion?: number | null;
  authorServiceId?: string | null;
  changements?: string[];
  /** Renders `data` for one receiving service (e.g. its own status label). */
  renderData: (receiver: { serviceId: string; slug: string }) => unknown;
  /** Deliver to this service only (test events); otherwise every other service's enabled endpoint. */
  onlyServiceId?: string;
};

export const OUTBOX_CHANNEL = "outbox";

export function newEventId(): string {
  return `msg_${ulid()}`;
}

/**
 * Records an event and one pending delivery per receiving endpoint: every enabled endpoint of an
 * enabled service other than the author. The body of each delivery is rendered now, for its
 * receiver, and sent byte for byte by every attempt and replay. Returns the event id and how many
 * deliveries were queued; NOTIFY wakes the embedded worker when the transaction commits.
 */
export async function enqueueEvent(tx: Tx, event: NewEvent): Promise<{ eventId: string; deliveries: number }> {
  const id = newEventId();
  const createdAt = new Date();
  await tx.insert(events).values({
    id,
    type: event.type,
    projectId: event.projectId ?? null,
    projectVersion: event.projectVersion ?? null,
    authorServiceId: event.authorServiceId ?? null,
    changements: event.changements ?? [],
    createdAt,
  });

  const receivers = await tx
    .select({ endpointId: webhookEndpoints.id, serviceId: services.id, slug: services.slug })
    .from(webhookEndpoints)
    .innerJoin(services, eq(services.id, webhookEndpoints.serviceId))
    .where(
      and(
        eq(webhookEndpoints.enabled, true),
        eq(services.enabled, true),
        event.onlyServiceId
          ? eq(services.id, event.onlyServiceId)
          : event.authorServiceId
            ? ne(services.id, event.authorServiceId)
            : undefined,
      ),
    );
  if (receivers.length === 0) return { eventId: id, deliveries: 0 };

  await tx.insert(deliveries).values(
    receivers.map((r) => ({
      eventId: id,
      endpointId: r.endpointId,
      serviceId: r.serviceId,
      eventType: event.type,
      projectId: event.projectId ?? null,
      projectVersion: event.projectVersion ?? null,
      body: JSON.stringify({ id, type: event.type, createdAt: createdAt.toISOString(), data: event.renderData(r) }),
      nextAttemptAt: createdAt,
    })),
  );
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return { eventId: id, deliveries: receivers.length };
}
