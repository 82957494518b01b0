// Retention of the audit log (issue #16, AUDIT_RETENTION_DAYS, one year by default): entries older
// than the retention period are deleted in bounded chunks along `audit_log_created_idx`.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { retentionCutoff } from "@/modules/delivery/purge-delivery-history";

const CHUNK = 5000;

/**
 * Deletes the audit entries created before `now - retentionDays` (database clock; `now` for
 * tests), 5,000 per statement. Returns how many went.
 */
export async function purgeOldAudit(db: Db, options: { retentionDays: number; now?: Date }): Promise<{ audit: number }> {
  const cutoff = retentionCutoff(options.retentionDays, options.now);
  let total = 0;
  for (;;) {
    const removed = rowsOf<{ id: number }>(
      await db.execute(sql`
        delete from audit_log where id in (
          select id from audit_log where created_at < ${cutoff} order by created_at limit ${CHUNK})
        returning id`),
    ).length;
    total += removed;
    if (removed < CHUNK) break;
  }
  return { audit: total };
}
