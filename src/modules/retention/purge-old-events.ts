// Retention of the outbox's history (issue #16, EVENT_RETENTION_DAYS): an event goes, with its
// deliveries and their attempt logs, once every delivery of it ended (delivered or failed) more
// than the retention period ago. Queued work is never touched: an event with a delivery pending or
// in flight, or still waiting to be expanded into its deliveries, stays, whatever its age. Held changes reference projects, not events, and the resync
// position is the projects' own `txid`: neither depends on old events. What goes is only history:
// the console's event list of a project (get-project-detail.ts) starts at the retention horizon;
// `GET /projets/{id}` shows the project's current state and is not affected.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { retentionCutoff } from "@/modules/delivery/purge-delivery-history";

/** Events per statement: each statement is bounded, so that a large purge never holds long locks. */
const CHUNK = 2000;

/** The conditions of an old event that may go (alias `ev`): nothing of it queued, nothing of it settled recently. */
const purgeable = (cutoff: SQL) => sql`
  ev.created_at < ${cutoff}
  and not exists (select 1 from delivery_queue d where d.event_id = ev.id)
  and not exists (select 1 from delivery_log d where d.event_id = ev.id and d.updated_at >= ${cutoff})
  -- Nor an event still waiting for its expansion into deliveries (expand-events.ts).
  and not exists (select 1 from event_fanouts f where f.event_id = ev.id)`;

/**
 * Deletes the events created before `now - retentionDays` (database clock; `now` for tests) whose
 * deliveries all ended before that horizon, with their deliveries and those deliveries' attempts
 * (no foreign keys on the outbox's hot path: deleted together). In chunks of 2,000 events, each
 * one transaction of two statements: the first locks the candidates (`events_created_idx` walks
 * the old events in time order; `delivery_queue_event_idx` and `delivery_log_event_idx` check
 * their deliveries), skipping events being changed (an erasure scrubbing a body) or replayed
 * rather than waiting; the second checks them again, in a snapshot taken after those locks, and
 * deletes. A replay holds its event's key-share lock from before it moves the delivery back to
 * the queue until it commits (replay-delivery.ts): either the lock skips the event, or the second
 * statement sees the delivery queued and keeps it. Returns how many events went.
 */
export async function purgeOldEvents(db: Db, options: { retentionDays: number; now?: Date }): Promise<{ events: number }> {
  const cutoff = retentionCutoff(options.retentionDays, options.now);
  let total = 0;
  for (;;) {
    const { locked, removed } = await db.transaction(async (tx) => {
      const candidates = rowsOf<{ id: string }>(
        await tx.execute(sql`
          select ev.id from events ev where ${purgeable(cutoff)}
          order by ev.created_at
          limit ${CHUNK}
          for update skip locked`),
      ).map((r) => r.id);
      if (candidates.length === 0) return { locked: 0, removed: 0 };
      const gone = rowsOf<{ id: string }>(
        await tx.execute(sql`
          with doomed as (
            select ev.id from events ev
            where ev.id in (select value from jsonb_array_elements_text(${JSON.stringify(candidates)}::jsonb)) and ${purgeable(cutoff)}
          ),
          attempts as (
            delete from delivery_attempts a using delivery_log d, doomed
            where d.event_id = doomed.id and a.delivery_id = d.id
          ),
          settled as (
            delete from delivery_log d using doomed where d.event_id = doomed.id
          )
          delete from events where id in (select id from doomed) returning id`),
      ).length;
      return { locked: candidates.length, removed: gone };
    });
    total += removed;
    if (locked < CHUNK) break;
  }
  return { events: total };
}
