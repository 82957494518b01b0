// The expansion side of the outbox (issue #17): a write records its event and one `event_fanouts`
// row (enqueue-event.ts); the delivery drivers turn those rows into one pending delivery per
// receiving endpoint, and a held change for a disabled one, before they claim. The work per receiver
// leaves the write's statement: a write no longer waits for its receivers' rows and their indexes.
//
// Order. Claims send a lane's deliveries in id order, so ids must follow version order within each
// (endpoint, project) lane. Every writer inserts its queue row while it holds its project's row
// lock (patch, bulk, link and erasure lock the rows they change; a creation's project exists for
// nobody else before its statement commits), so within a project a later version's row gets a
// higher `seq` and commits after the earlier one; a scope-exit pair is inserted in its event order
// by one statement. Expansions run one at a time (one advisory lock, every driver and instance)
// and take the oldest rows by `seq`, inserting their deliveries in `seq` order: ids follow `seq`.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db, type Tx } from "@/db/client";
import { preparedSql } from "@/db/prepared-sql";
import { PARKED_UNTIL } from "@/modules/webhooks/park-deliveries";
import { laneDueAtSql, receiversSql, receiverViewSql } from "./delivery-row-sql";

/** Arbitrary constant, next to the claim's (727_072_016): expansions of every driver, one at a time. */
const EXPAND_LOCK_KEY = 727_072_017;

/** Events expanded per statement by default: a bulk of 1,000 changes to 3 receivers is two statements. */
export const EXPAND_BATCH = 500;

export type ExpandSummary = { events: number; deliveries: number };

/**
 * Whether the event `v` (columns `type`, `territory_keys`, `leaving_keys`) is wanted by the endpoint
 * `e` (columns `evenements`, `territoires`) under its subscription (CONTRACT §8 "Subscriptions"):
 * its type is subscribed (null = all) and its project lies in one of the territories (null = all).
 * A scope-exit event (`leaving_keys`) reaches only endpoints with territories that matched the
 * previous keys and match none of the new ones.
 */
function subscribed(e: SQL): SQL {
  return sql`(
    (${e}.evenements is null or v.type = any(${e}.evenements))
    and case when v.leaving_keys is not null
      then ${e}.territoires is not null and v.territory_keys ?| ${e}.territoires and not (v.leaving_keys ?| ${e}.territoires)
      else v.territory_keys is null or ${e}.territoires is null or v.territory_keys ?| ${e}.territoires end)`;
}

// One statement per batch, its text built once (prepared-sql.ts). Receivers are read in this
// statement, after the lock: a re-enable that released its held changes before (under the same
// lock, release-held-changes.ts) is seen as enabled here.
const expandStatement = preparedSql<"limit">((p) => sql`
  with picked as materialized (
    select f.seq, f.event_id as id, f.receiver_views, f.territory_keys, f.leaving_keys,
           ev.type, ev.project_id, ev.project_version, ev.author_service_id, ev.changements, ev.created_at
    from event_fanouts f left join events ev on ev.id = f.event_id
    order by f.seq
    limit ${p.limit}
  ),
  receivers as (${receiversSql}),
  inserted as (
    insert into delivery_queue (event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view,
                            state, next_attempt_at, created_at, updated_at)
    select v.id, r.endpoint_id, r.service_id, v.type, v.project_id, v.project_version, ${receiverViewSql}, 'pending',
      -- For a disabled receiver (an erasure event), parked until it is enabled again.
      case when not r.active then ${PARKED_UNTIL}::timestamptz else ${laneDueAtSql(sql`v.created_at`)} end,
      -- Queued when the change was written: the backlog's age counts the wait for expansion.
      v.created_at, now()
    from picked v join receivers r on r.service_id is distinct from v.author_service_id
      -- A disabled receiver gets its project changes held (held below); an event without a project
      -- (an erasure) is queued for it all the same and waits, parked, until it is enabled again.
      and (r.active or v.project_id is null)
      and ${subscribed(sql`r`)}
    -- An event purged before its expansion (never: retention keeps queued events) has no type.
    where v.type is not null
    order by v.seq, r.endpoint_id
    returning 1
  ),
  held as (
    -- Held, not dropped (CONTRACT §8): a project change for a disabled endpoint, or an endpoint of a
    -- disabled service, is kept for it, coalesced to the newest version per (endpoint, project), and
    -- released with the project's current state on re-enable (release-held-changes.ts). Never for
    -- the author. Other events (utilisateur.efface) carry no project state: they are not held.
    -- One row per (endpoint, project) of the batch, which may hold several changes of a project:
    -- the newest version and its author, the union of their fields.
    insert into held_changes as h (endpoint_id, service_id, project_id, project_version, author_service_id, changements, held_at)
    select r.endpoint_id, r.service_id, v.project_id, max(v.project_version),
           (array_agg(v.author_service_id order by v.project_version desc, v.seq desc))[1],
           coalesce(jsonb_agg(distinct c.field order by c.field) filter (where c.field is not null), '[]'::jsonb),
           max(v.created_at)
    from picked v
    join receivers r on r.service_id is distinct from v.author_service_id
    left join lateral jsonb_array_elements_text(v.changements) as c(field) on true
    where v.project_id is not null and not r.active and v.type is not null
      and ${subscribed(sql`r`)}
    group by r.endpoint_id, r.service_id, v.project_id
    on conflict (endpoint_id, project_id) do update set
      project_version = greatest(h.project_version, excluded.project_version),
      author_service_id = case when excluded.project_version >= h.project_version then excluded.author_service_id else h.author_service_id end,
      changements = (select coalesce(jsonb_agg(distinct c order by c), '[]'::jsonb) from jsonb_array_elements_text(h.changements || excluded.changements) as c),
      held_at = greatest(h.held_at, excluded.held_at)
    returning 1
  ),
  removed as (
    delete from event_fanouts f using picked v where f.seq = v.seq
    returning 1
  )
  select (select count(*) from removed) as events, (select count(*) from inserted) as deliveries, (select count(*) from held) as held`);

/**
 * Expands the queued events in the caller's transaction `tx`: takes the expansion lock (held until
 * `tx` ends), then expands the oldest queue rows by `seq`, `limit` per statement, until the queue is
 * empty or `rounds` statements ran. Returns how many events were expanded and deliveries inserted.
 * For a transaction that must see every change queued before it (release-held-changes.ts); the
 * drivers use `expandEvents`.
 */
export async function expandEventsIn(tx: Tx, options: { limit?: number; rounds?: number } = {}): Promise<ExpandSummary> {
  return expandUnderLock(tx, options, false);
}

/**
 * `expandEventsIn`, and with `ownTransaction` (the drivers' transaction, which holds nothing but
 * the expansion) a commit that does not wait for the WAL flush.
 */
async function expandUnderLock(tx: Tx, options: { limit?: number; rounds?: number }, ownTransaction: boolean): Promise<ExpandSummary> {
  const limit = options.limit ?? EXPAND_BATCH;
  const rounds = options.rounds ?? Number.POSITIVE_INFINITY;
  // The lock first, in its own statement: the expansion's snapshot, taken after it, sees what the
  // previous holder committed (read committed) and no row it already expanded. In the drivers' own
  // transaction its commit does not wait for the WAL flush: lost in a crash, the expansion is lost
  // whole (queue rows included) and done again, and any later flushed commit (a delivery's outcome)
  // flushes it first. Never in a caller's transaction: the setting would last until its commit, and
  // a re-enable or a service update (and its audit entry) acknowledged to an admin could be lost.
  await tx.execute(
    ownTransaction
      ? sql`select pg_advisory_xact_lock(${EXPAND_LOCK_KEY}), set_config('synchronous_commit', 'off', true)`
      : sql`select pg_advisory_xact_lock(${EXPAND_LOCK_KEY})`,
  );
  const total: ExpandSummary = { events: 0, deliveries: 0 };
  for (let round = 0; round < rounds; round++) {
    const [row] = rowsOf<{ events: string | number; deliveries: string | number }>(await tx.execute(expandStatement({ limit })));
    const events = Number(row?.events ?? 0);
    total.events += events;
    total.deliveries += Number(row?.deliveries ?? 0);
    if (events < limit) break;
  }
  return total;
}

/**
 * The drivers' expansion (the embedded loop's expander, `deliverBatch` before its claim): when events wait in the queue, expands up to `limit`
 * of them (oldest first) in a transaction of its own, one at a time over every driver and instance
 * (a second expander waits for the first, then finds what is left). Returns how many events were
 * expanded (`events === limit`: more may wait) and deliveries inserted. Throws on database errors;
 * nothing is lost then, the queue rows stay for the next expansion.
 */
export async function expandEvents(db: Db, options: { limit?: number } = {}): Promise<ExpandSummary> {
  // One cheap read when nothing waits (most wake-ups once the queue is drained): no transaction.
  const waiting = rowsOf(await db.execute(sql`select 1 from event_fanouts limit 1`));
  if (waiting.length === 0) return { events: 0, deliveries: 0 };
  return db.transaction((tx) => expandUnderLock(tx, { limit: options.limit, rounds: 1 }, true));
}

/** How many events wait to be expanded (readiness, metrics, console backlog). */
export async function countQueuedEvents(db: Db | Tx): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from event_fanouts`));
  return Number(row?.n ?? 0);
}
