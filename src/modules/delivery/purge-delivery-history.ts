// Retention of webhook payloads (WEBHOOK_RETENTION_DAYS): attempt logs and the bodies of events
// whose deliveries are all settled are removed past it, in bounded chunks so that a large purge
// never holds long locks. Bodies hold project data (porteur contact included): they must not be
// kept forever. The event and delivery rows stay (state, dates, status) for the console's history
// and counts, until the events retention removes them (purge-old-events.ts).
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";

const CHUNK = 5000;

/**
 * `now - days` by the database's clock (issue #16: every instance agrees on what is old), or by
 * `now` when given (tests look at the purge as from a later day).
 */
export function retentionCutoff(days: number, now?: Date): SQL {
  const from = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
  return sql`(${from} - ${days} * interval '1 day')`;
}

export async function purgeDeliveryHistory(
  db: Db,
  options: { retentionDays: number; now?: Date },
): Promise<{ attempts: number; bodies: number }> {
  const cutoff = retentionCutoff(options.retentionDays, options.now);
  let attempts = 0;
  let bodies = 0;
  for (;;) {
    const removed = rowsOf<{ id: number }>(
      await db.execute(sql`
        delete from delivery_attempts where id in (
          select id from delivery_attempts where started_at < ${cutoff} limit ${CHUNK})
        returning id`),
    ).length;
    attempts += removed;
    if (removed < CHUNK) break;
  }
  // Event bodies, once none of their deliveries is still queued (nor the event itself, for expansion), with the porteur hash that only
  // served to find the body for an erasure.
  for (;;) {
    const cleared = rowsOf<{ id: string }>(
      await db.execute(sql`
        update events set body = null, porteur_email_hash = null where id in (
          select ev.id from events ev
          where ev.body is not null and ev.created_at < ${cutoff}
            and not exists (select 1 from delivery_queue d where d.event_id = ev.id)
            -- Nor one still waiting for its expansion into deliveries (expand-events.ts).
            and not exists (select 1 from event_fanouts f where f.event_id = ev.id)
          limit ${CHUNK})
        returning id`),
    ).length;
    bodies += cleared;
    if (cleared < CHUNK) break;
  }
  return { attempts, bodies };
}
