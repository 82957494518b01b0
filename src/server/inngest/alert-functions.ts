// The Inngest driver of the alert mails (issue #11), as thin as the delivery one: a cron announces the
// endpoints failing for ALERT_AFTER_MINUTES and sends the due mails of the `alert_mails` outbox
// every minute, another queues the daily digest at its hour
// (the database claim keeps it to one per day even if both drivers run). Rules live in src/modules/alerts.
import { getDb } from "@/db";
import { env } from "@/env";
import { type AlertOptions } from "@/modules/alerts/alert-options";
import { alertOptionsFromEnv } from "@/server/alert-options-from-env";
import { createMailTransport } from "@/modules/alerts/create-mail-transport";
import { sendAlertMails } from "@/modules/alerts/send-alert-mails";
import { parisClock, queueDailyDigest } from "@/modules/alerts/queue-daily-digest";
import { alertLongFailures } from "@/modules/alerts/alert-long-failures";
import { inngest } from "./client";

/** Rounds of sending per run (each a step). */
const MAX_SEND_ROUNDS = 20;

/** The two functions, over `options` (the settings by default; tests point them at their own SMTP server). */
export function createAlertFunctions(options: () => AlertOptions = () => alertOptionsFromEnv()) {
  const sendAlerts = inngest.createFunction(
    { id: "send-alert-mails", name: "Envoyer les courriels d'alerte", triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
    async ({ step }) => {
      await step.run("long-failures", async () => alertLongFailures(await getDb(), options().alertAfterMs));
      let sent = 0;
      let failed = 0;
      for (let round = 0; round < MAX_SEND_ROUNDS; round++) {
        const summary = await step.run(`send-${round}`, async () => {
          const o = options();
          if (!o.smtp) return { claimed: 0, sent: 0, failed: 0 };
          const transport = createMailTransport(o.smtp);
          try {
            return await sendAlertMails(await getDb(), transport, o);
          } finally {
            transport.close();
          }
        });
        sent += summary.sent;
        failed += summary.failed;
        if (summary.claimed < options().batchSize || summary.failed > 0) break;
      }
      return { sent, failed };
    },
  );
  const queueDigest = inngest.createFunction(
    {
      id: "queue-alert-digest",
      name: "Préparer le récapitulatif quotidien des alertes",
      triggers: [{ cron: `TZ=Europe/Paris 0 ${env.ALERT_DIGEST_HOUR} * * *` }],
      concurrency: { limit: 1 },
    },
    async ({ step }) => step.run("queue", async () => queueDailyDigest(await getDb(), parisClock(new Date()).day)),
  );
  return { sendAlerts, queueDigest };
}

const { sendAlerts, queueDigest } = createAlertFunctions();
export const alertFunctions = [sendAlerts, queueDigest];
