// The periodic purge that both delivery drivers run (the embedded worker hourly, the Inngest
// function daily): every retention in one place, each in bounded statements. On several instances
// it runs on one at a time: the caller claims it first (claim-periodic-job.ts).
import type { Db } from "@/db/client";
import { purgeDeliveryHistory } from "@/modules/delivery/purge-delivery-history";
import { pruneResyncMarks } from "@/modules/projects/mark-resync";
import { pruneRateWindows } from "@/modules/rate-limit/count-request";
import { purgeOldAlertMails } from "./purge-old-alert-mails";
import { purgeOldAudit } from "./purge-old-audit";
import { purgeOldEvents } from "./purge-old-events";

export type RetentionSettings = {
  /** WEBHOOK_RETENTION_DAYS: payloads and attempt logs of settled deliveries, resync marks, sent alert mails. */
  webhookDays: number;
  /** EVENT_RETENTION_DAYS: events and their deliveries, after all of them ended; alert mails never sent. */
  eventDays: number;
  /** AUDIT_RETENTION_DAYS: audit log entries. */
  auditDays: number;
};

export type RetentionSummary = { attempts: number; bodies: number; events: number; audit: number; resyncMarks: number; rateWindows: number; alertMails: number };

/** Runs every purge (database clock; `now` for tests). Returns how many rows each removed or cleared. */
export async function runRetentionPurge(db: Db, settings: RetentionSettings, now?: Date): Promise<RetentionSummary> {
  const delivered = await purgeDeliveryHistory(db, { retentionDays: settings.webhookDays, now });
  const events = await purgeOldEvents(db, { retentionDays: settings.eventDays, now });
  const audit = await purgeOldAudit(db, { retentionDays: settings.auditDays, now });
  const resyncMarks = await pruneResyncMarks(db, { keepDays: settings.webhookDays });
  const rateWindows = await pruneRateWindows(db);
  const alertMails = await purgeOldAlertMails(db, { sentDays: settings.webhookDays, pendingDays: settings.eventDays, now });
  return { ...delivered, ...events, ...audit, resyncMarks, rateWindows, ...alertMails };
}
