// Retention: attempt logs and the payloads of settled deliveries (delivered or failed) older than
// the retention period are removed, in bounded chunks so that a large purge never holds long
// locks. Bodies hold project data (porteur contact included): they must not be kept forever. The
// delivery rows stay (state, dates, status) so that the console keeps its history and counts.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";

const CHUNK = 5000;

export async function purgeDeliveryHistory(
  db: Db,
  options: { retentionDays: number; now?: Date },
): Promise<{ attempts: number; bodies: number }> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * 86_400_000).toISOString();
  let attempts = 0;
  let bodies = 0;
  for (;;) {
    const removed = rowsOf<{ id: number }>(
      await db.execute(sql`
        delete from delivery_attempts where id in (
          select id from delivery_attempts where started_at < ${cutoff}::timestamptz limit ${CHUNK})
        returning id`),
    ).length;
    attempts += removed;
    if (removed < CHUNK) break;
  }
  // Event bodies, once none of their deliveries is still queued, with the porteur hash that only
  // served to find the body for an erasure.
  for (;;) {
    const cleared = rowsOf<{ id: string }>(
      await db.execute(sql`
        update events set body = null, porteur_email_hash = null where id in (
          select ev.id from events ev
          where ev.body is not null and ev.created_at < ${cutoff}::timestamptz
            and not exists (select 1 from deliveries d where d.event_id = ev.id and d.state in ('pending', 'in_flight'))
          limit ${CHUNK})
        returning id`),
    ).length;
    bodies += cleared;
    if (cleared < CHUNK) break;
  }
  // Bodies rendered per delivery by releases before migration 0004.
  for (;;) {
    const cleared = rowsOf<{ id: number }>(
      await db.execute(sql`
        update deliveries set body = null, updated_at = now() where id in (
          select id from deliveries
          where state in ('delivered', 'failed') and body is not null and created_at < ${cutoff}::timestamptz
          limit ${CHUNK})
        returning id`),
    ).length;
    bodies += cleared;
    if (cleared < CHUNK) break;
  }
  return { attempts, bodies };
}
