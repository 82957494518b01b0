// The embedded driver of the alert mails (issue #11): every few seconds, sends the due mails of the
// `alert_mails` outbox; every minute, announces the endpoints failing for ALERT_AFTER_MINUTES and
// queues the day's digest once its hour has come (database claims make one instance do each). Thin: the rules live in src/modules/alerts.
import type { Db } from "@/db/client";
import { type AlertOptions } from "@/modules/alerts/alert-options";
import { alertOptionsFromEnv } from "@/server/alert-options-from-env";
import { createMailTransport, type MailTransport } from "@/modules/alerts/create-mail-transport";
import { sendAlertMails } from "@/modules/alerts/send-alert-mails";
import { queueDigestIfDue } from "@/modules/alerts/queue-daily-digest";
import { alertLongFailures } from "@/modules/alerts/alert-long-failures";
import { describeError, logger } from "../logger";

const SEND_EVERY_MS = 5_000;
const DIGEST_EVERY_MS = 60_000;

/** Starts the ticks; returns their stop function. With no SMTP server configured, mails stay queued. */
export function startAlertTicks(db: Db, overrides: Partial<AlertOptions> = {}): () => void {
  const options = alertOptionsFromEnv(overrides);
  const transport: MailTransport | null = options.smtp ? createMailTransport(options.smtp) : null;
  let sending = false;
  const send = async () => {
    if (!transport || sending) return;
    sending = true;
    try {
      for (;;) {
        const summary = await sendAlertMails(db, transport, options);
        // Counts only: recipients are personal data.
        if (summary.claimed > 0) logger.info("alert mails", summary);
        if (summary.claimed < options.batchSize || summary.failed > 0) break;
      }
    } catch (error) {
      logger.error("alert mails failed", describeError(error), error);
    } finally {
      sending = false;
    }
  };
  const digest = async () => {
    try {
      const { endpointIds } = await alertLongFailures(db, options.alertAfterMs);
      if (endpointIds.length > 0) {
        logger.info("alert: endpoints failing for too long", { endpoints: endpointIds.length });
        void send();
      }
    } catch (error) {
      logger.error("alert long failures failed", describeError(error), error);
    }
    try {
      const outcome = await queueDigestIfDue(db, new Date(), options.digestHour);
      if (outcome?.claimed) {
        logger.info("alert digest queued", outcome);
        void send();
      }
    } catch (error) {
      logger.error("alert digest failed", describeError(error), error);
    }
  };
  const sendTick = setInterval(() => void send(), SEND_EVERY_MS);
  const digestTick = setInterval(() => void digest(), DIGEST_EVERY_MS);
  sendTick.unref();
  digestTick.unref();
  void digest();
  if (!transport) logger.warn("alert mails: SMTP_HOST not set, alert mails stay queued");
  return () => {
    clearInterval(sendTick);
    clearInterval(digestTick);
    transport?.close();
  };
}
