// The write side of the outbox. Called inside the transaction of the change it announces, so that
// the change and its deliveries commit together (no event without its change, and the reverse).
import { and, eq, sql } from "drizzle-orm";
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
  const [result] = await enqueueEvents(tx, [event]);
  return result!;
}

/**
 * Same as `enqueueEvent` for many events at once (bulk writes): one insert of the events, one
 * lookup of the receivers and one insert of the deliveries, whatever the number of events.
 * Deliveries are inserted in event order, so their ids follow the order of the given events.
 */
export async function enqueueEvents(tx: Tx, list: NewEvent[]): Promise<{ eventId: string; deliveries: number }[]> {
  if (list.length === 0) return [];
  const createdAt = new Date();
  const ids = list.map(() => newEventId());
  // Chunked so that a bulk never exceeds PostgreSQL's 65,535 parameters per statement.
  for (let start = 0; start < list.length; start += 5000) {
    await tx.insert(events).values(
      list.slice(start, start + 5000).map((event, i) => ({
        id: ids[start + i]!,
        type: event.type,
        projectId: event.projectId ?? null,
        projectVersion: event.projectVersion ?? null,
        authorServiceId: event.authorServiceId ?? null,
        changements: event.changements ?? [],
        createdAt,
      })),
    );
  }

  const endpoints = await tx
    .select({ endpointId: webhookEndpoints.id, serviceId: services.id, slug: services.slug })
    .from(webhookEndpoints)
    .innerJoin(services, eq(services.id, webhookEndpoints.serviceId))
    .where(and(eq(webhookEndpoints.enabled, true), eq(services.enabled, true)));

  const rows: (typeof deliveries.$inferInsert)[] = [];
  const results = list.map((event, i) => {
    const id = ids[i]!;
    const receivers = endpoints.filter((r) =>
      event.onlyServiceId ? r.serviceId === event.onlyServiceId : r.serviceId !== event.authorServiceId,
    );
    for (const r of receivers) {
      rows.push({
        eventId: id,
        endpointId: r.endpointId,
        serviceId: r.serviceId,
        eventType: event.type,
        projectId: event.projectId ?? null,
        projectVersion: event.projectVersion ?? null,
        body: JSON.stringify({ id, type: event.type, createdAt: createdAt.toISOString(), data: event.renderData(r) }),
        nextAttemptAt: createdAt,
      });
    }
    return { eventId: id, deliveries: receivers.length };
  });
  if (rows.length === 0) return results;
  for (let start = 0; start < rows.length; start += 5000) {
    await tx.insert(deliveries).values(rows.slice(start, start + 5000));
  }
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return results;
}
