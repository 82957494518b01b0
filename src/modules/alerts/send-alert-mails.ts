// The alert sender (issue #11): claims due mails from the `alert_mails` outbox, sends each over SMTP
// and records the outcome. A refused or unreachable server only moves the mail's next attempt
// (backoff like webhooks, the last wait repeating): mails are never dropped, an outage loses nothing.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import type { AlertKind } from "@/db/schema";
import { withJitter } from "@/modules/delivery/compute-retry";
import type { AlertOptions } from "./alert-options";
import type { MailTransport } from "./create-mail-transport";
import { renderAlertMail } from "./render-alert-mail";

export type SendSummary = { claimed: number; sent: number; failed: number };

type Claimed = { id: string | number; kind: AlertKind; recipient: string; facts: unknown; attempt_count: number };

/** Wait before attempt `attempt + 1` after `attempt` failed (1-based), in ms. */
export function mailRetryDelay(attempt: number, scheduleMs: number[], random: () => number = Math.random): number {
  const wait = scheduleMs[Math.min(attempt, scheduleMs.length) - 1] ?? 60_000;
  return withJitter(wait, random);
}

/**
 * Sends one batch of due alert mails through `transport`. Takes `db` (each claim and each outcome is
 * its own statement) and the alert options (`from`, `consoleUrl`, `scheduleMs`, `leaseMs`,
 * `batchSize`). Returns how many were claimed, sent and failed. Never throws for an SMTP error (it is
 * recorded as the mail's `last_error`, by class and code only: the server's message may quote an
 * address); a database error propagates.
 */
export async function sendAlertMails(
  db: Db,
  transport: MailTransport,
  options: Pick<AlertOptions, "from" | "consoleUrl" | "scheduleMs" | "leaseMs" | "batchSize">,
): Promise<SendSummary> {
  const claimed = rowsOf<Claimed>(
    await db.execute(sql`
      update alert_mails m
      set attempt_count = m.attempt_count + 1, lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond'
      where m.id in (
        select id from alert_mails
        where state = 'pending' and next_attempt_at <= now() and (lease_expires_at is null or lease_expires_at < now())
        order by next_attempt_at, id
        limit ${options.batchSize}
        for update skip locked)
      returning m.id, m.kind, m.recipient, m.facts, m.attempt_count`),
  );
  const summary: SendSummary = { claimed: claimed.length, sent: 0, failed: 0 };
  for (const mail of claimed) {
    const id = Number(mail.id);
    const rendered = renderAlertMail(mail.kind, typeof mail.facts === "string" ? JSON.parse(mail.facts) : mail.facts, options.consoleUrl);
    try {
      await transport.sendMail({ from: options.from, to: mail.recipient, ...rendered });
      await db.execute(sql`
        update alert_mails set state = 'sent', sent_at = now(), lease_expires_at = null, last_error = null
        where id = ${id} and state = 'pending'`);
      summary.sent++;
    } catch (error) {
      const delay = mailRetryDelay(mail.attempt_count, options.scheduleMs);
      await db.execute(sql`
        update alert_mails
        set next_attempt_at = now() + ${delay} * interval '1 millisecond', lease_expires_at = null, last_error = ${describeSmtpError(error)}
        where id = ${id} and state = 'pending'`);
      summary.failed++;
    }
  }
  return summary;
}

/** Class and codes of an SMTP error, never its message (it may quote the recipient). */
function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return "erreur inconnue";
  const e = error as Error & { code?: string; responseCode?: number };
  return [e.name, e.code, e.responseCode].filter((x) => x !== undefined && x !== "").join(" ").slice(0, 200);
}
