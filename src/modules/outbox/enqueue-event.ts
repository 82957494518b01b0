// The write side of the outbox. Called inside the transaction of the change it announces, so that
// the change and its event commit together (no event without its change, and the reverse). An event
// for every receiver is queued for expansion (`event_fanouts`): the delivery drivers insert its
// deliveries and held changes (expand-events.ts), so that a write pays for one row, not one per
// receiver (issue #17). An event addressed to one service gets its delivery here.
import { sql, type SQL } from "drizzle-orm";
import { monotonicFactory } from "ulid";
import { bufferedRandom } from "./buffered-random";
import { currentEventOrigin } from "./event-origin";
import type { ReceiverView } from "@/db/schema";
import { rowsOf, type Tx } from "@/db/client";
import { combineWrites, withWriteClock, writeClockPart, type StatementPart } from "@/db/combine-writes";
import { laneDueAtSql, receiversSql, receiverViewSql } from "./delivery-row-sql";

export type EventType = "projet.cree" | "projet.modifie" | "utilisateur.efface" | "test.ping";

export type NewEvent = {
  type: EventType;
  projectId?: string | null;
  projectVersion?: number | null;
  authorServiceId?: string | null;
  changements?: string[];
  /** The event's `data`, the same for every receiver (a project's receiver-specific fields null). */
  data: unknown;
  /**
   * Each possible receiver's own view of `data.projet` (its external id and status label), by
   * service id, merged at send time. A receiver without an entry gets `data` as it is.
   */
  receiverViews?: Record<string, ReceiverView>;
  /**
   * Deliver to this service only, and only while its endpoint is enabled (test events, releases of
   * held changes); otherwise every other service's enabled endpoint.
   */
  onlyServiceId?: string;
  /** HMAC of the porteur email named in `data` (found again by an erasure). */
  porteurEmailHash?: string | null;
  /**
   * The territory keys (`com:…`, `epci:…`, `dep:…`, `reg:…`) the project's collectivités lie in
   * (subscriptions/territories.ts): the event reaches an endpoint with territories only when one of
   * them is among these. Absent for events without a project: they match every territory.
   */
  territoryKeys?: string[] | null;
  /**
   * Set on the scope-exit event of a project whose collectivités changed (`territoryKeys` then
   * holds the previous keys, this the new ones): it reaches only endpoints with territories that
   * matched before and match no more (CONTRACT §8 "Subscriptions").
   */
  leavingKeys?: string[] | null;
};

export const OUTBOX_CHANNEL = "outbox";

/** Joins the event bodies of one statement: U+001E, never raw in JSON text (`chr(30)` in SQL). */
const BODY_SEPARATOR = "\u001e";

// Monotonic: ids made in the same millisecond increment instead of drawing 80 new random bits each
// (a bulk of 1000 events spent ~75 ms in the random source), and they sort in creation order. The
// random part of a new millisecond comes from a buffered CSPRNG (buffered-random.ts).
const nextUlid = monotonicFactory(bufferedRandom());

export function newEventId(): string {
  return `msg_${nextUlid()}`;
}

/**
 * What was queued for one event: its id, how many deliveries were inserted now (events addressed to
 * one service), and whether it waits for expansion into the deliveries of every receiver
 * (`fanOut`, then `deliveries` is 0: they are inserted by the drivers, expand-events.ts).
 */
export type EnqueuedEvent = { eventId: string; deliveries: number; fanOut: boolean };

/** How much work a list of enqueued events left to the drivers: deliveries plus events to expand (> 0: wake them). */
export function queuedWork(results: EnqueuedEvent[]): number {
  return results.reduce((sum, r) => sum + r.deliveries + (r.fanOut ? 1 : 0), 0);
}

/**
 * Records an event. For every receiver (no `onlyServiceId`): the event and one `event_fanouts` row,
 * which the delivery drivers expand into one pending delivery per receiving endpoint, a held change
 * for a disabled one (expand-events.ts, issue #17). Addressed to one service (`onlyServiceId`): the
 * event and its delivery to that service's enabled endpoint, now, so that the caller can count it
 * and a release of held changes takes its place in the lane at once. The body is rendered now,
 * once, and each delivery keeps its receiver's view of the project; every attempt and replay sends
 * the same bytes (render-delivery-body.ts). The caller wakes the delivery driver after the commit
 * (`kickDelivery`) when `queuedWork` is positive: no NOTIFY here, because PostgreSQL serialises the
 * commits of every transaction that issued one (a database-wide lock held through the WAL flush),
 * which halved concurrent write throughput.
 */
export async function enqueueEvent(tx: Tx, event: NewEvent): Promise<EnqueuedEvent> {
  const [result] = await enqueueEvents(tx, [event]);
  return result!;
}

/**
 * Same as `enqueueEvent` for many events at once (bulk writes), in one statement whatever the
 * number of events: `writes` (the change these events announce, as statement parts), the events,
 * then their expansion queue rows or their deliveries to the one service — one round trip for a
 * whole change. Queue rows and deliveries are inserted in event order, so their `seq` and ids follow
 * the order of the given events (the caller holds the project row locks: version order).
 */
export async function enqueueEvents(tx: Tx, list: NewEvent[], writes: StatementPart[] = []): Promise<EnqueuedEvent[]> {
  if (list.length === 0) {
    if (writes.length > 0) await tx.execute(combineWrites(writes));
    return [];
  }
  const outbox = outboxParts(list);
  return outbox.results(rowsOf(await tx.execute(combineWrites([...writes, ...outbox.parts], outbox.final, {}))));
}

type OutboxParts = {
  parts: StatementPart[];
  /** The statement's final query: how many deliveries each event got. */
  final: SQL;
  /** The event ids and their delivery counts, from the rows of `final`. */
  results: (rows: unknown[]) => EnqueuedEvent[];
};

function outboxParts(list: NewEvent[]): OutboxParts {
  const at = new Date().toISOString();
  const origin = currentEventOrigin();
  const eventRows = list.map((event, ord) => {
    const id = newEventId();
    return {
      id,
      ord,
      type: event.type,
      project_id: event.projectId ?? null,
      project_version: event.projectVersion ?? null,
      author_service_id: event.authorServiceId ?? null,
      only_service_id: event.onlyServiceId ?? null,
      changements: event.changements ?? [],
      receiver_views: event.receiverViews ?? null,
      porteur_email_hash: event.porteurEmailHash ?? null,
      territory_keys: event.territoryKeys ?? null,
      leaving_keys: event.leavingKeys ?? null,
      request_id: origin?.requestId ?? null,
      trace_parent: origin?.traceParent ?? null,
    };
  });
  // The bodies travel apart from the rows, as one text joined by U+001E, which JSON text never
  // holds raw (JSON.stringify escapes every control character): inside the rows' JSON each body
  // was escaped a second time and parsed back by PostgreSQL (issue #17: ~20 % of a 1000-item
  // bulk's JavaScript went to serialising the outbox rows).
  const bodies = list.map((event, ord) => JSON.stringify({ id: eventRows[ord]!.id, type: event.type, createdAt: at, data: event.data })).join(BODY_SEPARATOR);
  const values = { "outbox.rows": JSON.stringify(eventRows), "outbox.bodies": bodies, "outbox.at": at };
  // Only the parts the list needs: a change for every receiver writes no delivery here.
  const direct = eventRows.some((e) => e.only_service_id !== null);
  const fanOut = eventRows.some((e) => e.only_service_id === null);
  const statements = [...inputStatements, ...(fanOut ? fanOutStatements : []), ...(direct ? directStatements : [])];
  const parts: StatementPart[] = [
    writeClockPart,
    ...statements.map(({ name, statement, materialized }) => ({ name, statement, materialized, values: name === "outbox_input" ? values : {} })),
  ];
  const results = (rows: unknown[]) => {
    const counts = rows as { event_id: string | null; n: number | string }[];
    const queued = new Map(counts.filter((c) => c.event_id !== null).map((c) => [c.event_id!, Number(c.n)]));
    return eventRows.map((e) => ({ eventId: e.id, deliveries: queued.get(e.id) ?? 0, fanOut: e.only_service_id === null }));
  };
  return { parts, final: direct ? directFinal : fanOutFinal, results };
}

// The outbox statements are module constants with placeholders (`outbox.rows`: the events as one
// JSON parameter, `outbox.at`: the enqueue time): their text is built once per process (issue #17,
// prepared-sql.ts). The list travels as one JSON parameter expanded in SQL (much cheaper than
// binding thousands of scalars). Queue rows and deliveries have no foreign key to their event: they
// are inserted here with it, or by its expansion. A project's `createdAt`/`updatedAt` rendered as WRITE_CLOCK become the statement's
// write clock, the value its row stores (combine-writes.ts).
const enqueuedAt = sql.placeholder("outbox.at");
const inputStatements: StatementPart[] = [
  {
    name: "outbox_input",
    materialized: true,
    statement: sql`
        select * from jsonb_to_recordset(${sql.placeholder("outbox.rows")}::jsonb) as v(
          id text, ord integer, type text, project_id uuid, project_version integer, author_service_id uuid,
          only_service_id uuid, changements jsonb, receiver_views jsonb, porteur_email_hash text,
          territory_keys jsonb, leaving_keys jsonb, request_id text, trace_parent text)`,
  },
  {
    // The event bodies in event order: element n (from 1) is the body of the row of ord n - 1.
    name: "outbox_bodies",
    materialized: true,
    statement: sql`
        select b.ord - 1 as ord, b.body
        from unnest(string_to_array(${sql.placeholder("outbox.bodies")}::text, chr(30))) with ordinality as b(body, ord)`,
  },
  {
    name: "outbox_events",
    statement: sql`
        insert into events (id, type, project_id, project_version, author_service_id, changements, body, porteur_email_hash,
                            request_id, trace_parent, created_at)
        select v.id, v.type, v.project_id, v.project_version, v.author_service_id, v.changements, ${withWriteClock(sql`b.body`)},
               v.porteur_email_hash, v.request_id, v.trace_parent, ${enqueuedAt}::timestamptz
        from outbox_input v join outbox_bodies b on b.ord = v.ord
        returning 1`,
  },
];

// An event for every receiver: one queue row, in event order (its `seq` is the expansion order).
const fanOutStatements: StatementPart[] = [
  {
    name: "outbox_fanouts",
    statement: sql`
        insert into event_fanouts (event_id, receiver_views, territory_keys, leaving_keys)
        select v.id, v.receiver_views, v.territory_keys, v.leaving_keys
        from outbox_input v where v.only_service_id is null
        order by v.ord
        returning 1`,
  },
];

// An event addressed to one service: its delivery to that service's enabled endpoint, now, behind
// the lane's older deliveries (a release of held changes takes its place in the lane in its
// transaction, after expanding what was queued before it: release-held-changes.ts).
const directStatements: StatementPart[] = [
  {
    name: "outbox_receivers",
    statement: receiversSql,
  },
  {
    name: "outbox_deliveries",
    statement: sql`
        insert into delivery_queue (event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view,
                                state, next_attempt_at, created_at, updated_at)
        select v.id, r.endpoint_id, r.service_id, v.type, v.project_id, v.project_version, ${receiverViewSql}, 'pending',
          ${laneDueAtSql(sql`${enqueuedAt}::timestamptz`)},
          ${enqueuedAt}::timestamptz, ${enqueuedAt}::timestamptz
        from outbox_input v join outbox_receivers r on r.service_id = v.only_service_id and r.active
        order by v.ord, r.endpoint_id
        returning event_id`,
  },
];

const directFinal = sql`
    select event_id, count(*) as n from outbox_deliveries group by event_id
    union all
    select null, count(*) from outbox_events`;

const fanOutFinal = sql`select null as event_id, count(*) as n from outbox_events`;
