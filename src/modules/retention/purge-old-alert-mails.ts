// Retention of the alert mails (issue #11): each row holds a recipient's email, which is personal
// data, so sent mails do not stay forever. A sent mail goes after WEBHOOK_RETENTION_DAYS (like the
// attempt logs it is the history of); a mail never sent (SMTP down or not configured) goes after
// EVENT_RETENTION_DAYS, when the problem it announced is long past and the daily digest has said
// what is still open.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { retentionCutoff } from "@/modules/delivery/purge-delivery-history";

/**
 * Deletes the alert mails sent before `now - sentDays` and those still pending created before
 * `now - pendingDays` (database clock; `now` for tests), in one statement (the table holds a few
 * rows per state change of an endpoint). Returns how many went.
 */
export async function purgeOldAlertMails(
  db: Db,
  options: { sentDays: number; pendingDays: number; now?: Date },
): Promise<{ alertMails: number }> {
  const removed = rowsOf<{ id: number }>(
    await db.execute(sql`
      delete from alert_mails
      where (state = 'sent' and sent_at < ${retentionCutoff(options.sentDays, options.now)})
         or (state = 'pending' and created_at < ${retentionCutoff(options.pendingDays, options.now)})
      returning id`),
  ).length;
  return { alertMails: removed };
}
