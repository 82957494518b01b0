// The write side of the outbox. Called inside the transaction of the change it announces, so that
// the change and its deliveries commit together (no event without its change, and the reverse).
import { and, eq, sql } from "drizzle-orm";
import { monotonicFactory } from "ulid";
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

// Monotonic: ids made in the same millisecond increment instead of drawing 80 new random bits each
// (a bulk of 1000 events spent ~75 ms in the random source), and they sort in creation order.
const nextUlid = monotonicFactory();

export function newEventId(): string {
  return `msg_${nextUlid()}`;
}

/**
 * Records an event and one pending delivery per receiving endpoint: every enabled endpoint of an
 * enabled service other than the author. The body of each delivery is rendered now, for its
 * receiver, and sent byte for byte by every attempt and replay. Returns the event id and how many
 * deliveries were queued. The caller wakes the delivery driver after the commit (`kickDelivery`):
 * no NOTIFY here, because PostgreSQL serialises the commits of every transaction that issued one
 * (a database-wide lock held through the WAL flush), which halved concurrent write throughput.
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
  const at = createdAt.toISOString();
  const ids = list.map(() => newEventId());

  const endpoints = await tx
    .select({ endpointId: webhookEndpoints.id, serviceId: services.id, slug: services.slug })
    .from(webhookEndpoints)
    .innerJoin(services, eq(services.id, webhookEndpoints.serviceId))
    .where(and(eq(webhookEndpoints.enabled, true), eq(services.enabled, true)));

  const rows: Record<string, unknown>[] = [];
  const results = list.map((event, i) => {
    const id = ids[i]!;
    const receivers = endpoints.filter((r) =>
      event.onlyServiceId ? r.serviceId === event.onlyServiceId : r.serviceId !== event.authorServiceId,
    );
    for (const r of receivers) {
      rows.push({
        event_id: id,
        endpoint_id: r.endpointId,
        service_id: r.serviceId,
        event_type: event.type,
        project_id: event.projectId ?? null,
        project_version: event.projectVersion ?? null,
        body: JSON.stringify({ id, type: event.type, createdAt: at, data: event.renderData(r) }),
      });
    }
    return { eventId: id, deliveries: receivers.length };
  });

  // One statement for the events and their deliveries, each list passed as one JSON
  // parameter expanded in SQL (much cheaper than binding thousands of scalars). Foreign keys from
  // deliveries to events are checked at the end of the statement, after both inserts.
  const eventRows = list.map((event, i) => ({
    id: ids[i]!,
    type: event.type,
    project_id: event.projectId ?? null,
    project_version: event.projectVersion ?? null,
    author_service_id: event.authorServiceId ?? null,
    changements: event.changements ?? [],
  }));
  const insertEvents = sql`
    insert into events (id, type, project_id, project_version, author_service_id, changements, created_at)
    select id, type, project_id, project_version, author_service_id, changements, ${at}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(eventRows)}::jsonb) as v(
      id text, type text, project_id uuid, project_version integer, author_service_id uuid, changements jsonb)`;
  if (rows.length === 0) {
    await tx.execute(insertEvents);
    return results;
  }
  // `with ordinality … order by` keeps the insertion (hence id) order of the given events.
  await tx.execute(sql`
    with new_events as (${insertEvents} returning 1),
    new_deliveries as (
      insert into deliveries (event_id, endpoint_id, service_id, event_type, project_id, project_version, body, state, next_attempt_at, created_at, updated_at)
      select d->>'event_id', (d->>'endpoint_id')::uuid, (d->>'service_id')::uuid, d->>'event_type', (d->>'project_id')::uuid,
        (d->>'project_version')::integer, d->>'body', 'pending', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as e(d, ord)
      order by ord
      returning 1)
    select (select count(*) from new_events), (select count(*) from new_deliveries)`);
  return results;
}
