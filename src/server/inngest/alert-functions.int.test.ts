// The Inngest alert functions, executed by @inngest/test against a real database and a real SMTP
// server (MailDev): they must only drive the alert modules (issue #11).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { operators } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { alertOptionsFromEnv } from "@/server/alert-options-from-env";
import { enqueueEndpointAlert } from "@/modules/alerts/enqueue-alert";
import { parisClock } from "@/modules/alerts/queue-daily-digest";
import { startMailDev, type MailDev } from "@/modules/alerts/testing/start-maildev";
import { seedService } from "@/modules/delivery/testing/seed-receivers";
import { createAlertFunctions } from "./alert-functions";

const SMTP_PORT = Number(process.env.TEST_SMTP_PORT ?? 3430) + 5;
const WEB_PORT = Number(process.env.TEST_MAILDEV_WEB_PORT ?? 3431) + 5;

let database: TestDatabase;
let maildev: MailDev;
const { sendAlerts, queueDigest } = createAlertFunctions(() =>
  alertOptionsFromEnv({ smtp: { host: "127.0.0.1", port: SMTP_PORT, secure: false }, consoleUrl: "http://console.exemple.test" }),
);

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database);
  maildev = await startMailDev(SMTP_PORT, WEB_PORT);
  await database.db.insert(operators).values({ email: "veille@anct.example.fr", role: "lecteur", alertSubscribed: true });
}, 120_000);
afterAll(async () => {
  await maildev?.stop();
  await database?.destroy();
});

describe("inngest alert functions", () => {
  it("queue-alert-digest claims today's digest once; send-alert-mails sends the queued mails", async () => {
    const target = await seedService(database.db, "cible", "http://127.0.0.1:9/webhooks");
    await database.db.execute(sql`update webhook_endpoints set alert_state = 'failing', consecutive_failures = 7 where id = ${target.endpointId}`);
    await enqueueEndpointAlert(database.db, "failing", target.endpointId!);

    const first = await new InngestTestEngine({ function: queueDigest }).execute();
    expect(first.result).toEqual({ claimed: true, problems: 1, mails: 1 });
    const again = await new InngestTestEngine({ function: queueDigest }).execute();
    expect(again.result).toEqual({ claimed: false, problems: 0, mails: 0 });
    const [day] = rowsOf<{ day: string }>(await database.db.execute(sql`select day::text as day from alert_digests`));
    expect(day!.day).toBe(parisClock(new Date()).day);

    const { result } = await new InngestTestEngine({ function: sendAlerts }).execute();
    expect(result).toEqual({ sent: 2, failed: 0 });
    expect((await maildev.messages()).map((m) => m.subject).sort()).toEqual([
      "[Les Communs] Récapitulatif du " + day!.day.split("-").reverse().join("/") + " : 1 webhook en difficulté",
      "[Les Communs] Webhook en échec : Service cible",
    ]);
  });
});
