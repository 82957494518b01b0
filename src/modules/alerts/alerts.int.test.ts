// The alert state machine end to end on a real database (issue #11): failing receivers on loopback,
// the delivery core's record of their results, and a real SMTP server (MailDev) that catches the
// mails — or is stopped, to show that an outage loses none.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { alertMails, auditLog, operators, webhookEndpoints } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { runCommand } from "@/cli/commands";
import { deliverBatch } from "@/modules/delivery/deliver-batch";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { createMailTransport, type MailTransport } from "./create-mail-transport";
import { sendAlertMails } from "./send-alert-mails";
import { queueDailyDigest } from "./queue-daily-digest";
import { setAlertSubscription } from "./set-alert-subscription";
import { alertLongFailures } from "./alert-long-failures";
import { startMailDev, type MailDev } from "./testing/start-maildev";

const SMTP_PORT = Number(process.env.TEST_SMTP_PORT ?? 3430);
const WEB_PORT = Number(process.env.TEST_MAILDEV_WEB_PORT ?? 3431);
const RECEIVER_PORTS: [number, number] = [3432, 3439];
const consoleUrl = "http://console.exemple.test";
const contact = "technique@tiers-lieux.example.fr";
const watcher = "veille@anct.example.fr";

let t: TestDatabase;
let maildev: MailDev;
let transport: MailTransport;
const receivers: LoopbackReceiver[] = [];
/** What each test's receiver answers, by service slug. */
const statusOf = new Map<string, number>();

const options = deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 32, scheduleMs: [1, 1, 1, 1, 1, 1, 1, 1], alertAfterFailures: 3 });
const sendOptions = { from: "Les Communs <alertes@les-communs.example.fr>", consoleUrl, scheduleMs: [60_000], leaseMs: 60_000, batchSize: 50 };

beforeAll(async () => {
  t = await createTestDatabase();
  maildev = await startMailDev(SMTP_PORT, WEB_PORT);
  transport = createMailTransport({ host: "127.0.0.1", port: SMTP_PORT, secure: false });
  const [op] = await t.db.insert(operators).values({ email: watcher, role: "lecteur" }).returning();
  await setAlertSubscription(t.db, op!.id, true, cliActor);
  // An inactive subscriber gets nothing.
  await t.db.insert(operators).values({ email: "parti@anct.example.fr", role: "lecteur", active: false, alertSubscribed: true });
}, 120_000);
afterAll(async () => {
  transport?.close();
  await Promise.all(receivers.map((r) => r.close()));
  await closeDeliveryPools();
  await maildev?.stop();
  await t?.destroy();
}, 60_000);
beforeEach(async () => {
  await maildev.clear();
});

/** A receiving service with `contact` as technical contact, its endpoint answering `status`, and `n` projects changed. */
async function failingService(slug: string, n: number, status: number) {
  statusOf.set(slug, status);
  const receiver = await startLoopbackReceiver(() => ({ status: statusOf.get(slug)! }), RECEIVER_PORTS);
  receivers.push(receiver);
  const author = await seedService(t.db, `auteur-${slug}`);
  const target = await seedService(t.db, slug, receiver.url);
  await runCommand(t.db, "service:contacts", { slug, ajouter: `${contact.toUpperCase()}, autre@tiers-lieux.example.fr` });
  await runCommand(t.db, "service:contacts", { slug, retirer: "autre@tiers-lieux.example.fr" });
  for (let i = 0; i < n; i++) await changeProject(t.db, await seedProject(t.db, author.serviceId, `Projet ${i}`), author.serviceId);
  return { ...target, endpointId: target.endpointId!, authorId: author.serviceId };
}

/** One round of attempts for every waiting delivery. */
async function attemptAll() {
  await t.db.execute(sql`update delivery_queue set next_attempt_at = now() where state = 'pending'`);
  return deliverBatch(t.db, options);
}

const queued = (endpointId: string, kind: string) =>
  t.db.select().from(alertMails).where(and(eq(alertMails.endpointId, endpointId), eq(alertMails.kind, kind as "failing")));

describe("endpoint alerts", () => {
  it("queues one mail per recipient when an endpoint starts failing, none more while it fails, and one when it recovers", async () => {
    const target = await failingService("alerte-echec", 2, 500);
    await attemptAll(); // 2 failures: under the threshold of 3
    expect(await queued(target.endpointId, "failing")).toHaveLength(0);
    await attemptAll(); // 4 failures
    const failing = await queued(target.endpointId, "failing");
    expect(failing.map((m) => m.recipient).sort()).toEqual([contact, watcher]);
    await attemptAll();
    await attemptAll();
    expect(await queued(target.endpointId, "failing")).toHaveLength(2);
    const [endpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId));
    expect(endpoint!.alertState).toBe("failing");

    statusOf.set("alerte-echec", 200);
    await attemptAll();
    expect((await queued(target.endpointId, "recovered")).map((m) => m.recipient).sort()).toEqual([contact, watcher]);
    await changeProject(t.db, await seedProject(t.db, target.authorId), target.authorId);
    await attemptAll();
    expect(await queued(target.endpointId, "recovered")).toHaveLength(2);

    const summary = await sendAlertMails(t.db, transport, sendOptions);
    expect(summary).toMatchObject({ sent: 4, failed: 0 });
    const caught = await maildev.messages();
    const toContact = caught.filter((m) => m.to.some((to) => to.address === contact)).map((m) => m.subject).sort();
    expect(toContact).toEqual(["[Les Communs] Webhook en échec : Service alerte-echec", "[Les Communs] Webhook rétabli : Service alerte-echec"]);
    const failMail = caught.find((m) => m.subject.includes("en échec"))!;
    expect(failMail.text).toContain(`${consoleUrl}/admin/services/${target.serviceId}`);
    expect(failMail.text).toContain("Échecs consécutifs : 4");
    expect(failMail.html).toContain(`href="${consoleUrl}/admin/services/${target.serviceId}"`);
    expect(caught.some((m) => m.to.some((to) => to.address === "parti@anct.example.fr"))).toBe(false);
    // Contacts' changes are audited without their emails.
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, "service.contacts"));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audits)).not.toContain("@");
  });

  it("queues the disabled mail once, and no failing mail, when the receiver answers 410", async () => {
    const target = await failingService("alerte-410", 3, 410);
    await attemptAll();
    const [endpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId));
    expect(endpoint).toMatchObject({ enabled: false, alertState: "disabled" });
    const disabled = await queued(target.endpointId, "disabled");
    expect(disabled.map((m) => m.recipient).sort()).toEqual([contact, watcher]);
    expect(await queued(target.endpointId, "failing")).toHaveLength(0);

    await sendAlertMails(t.db, transport, sendOptions);
    const [mail] = (await maildev.messages()).filter((m) => m.to.some((to) => to.address === contact));
    expect(mail!.subject).toBe("[Les Communs] Webhook désactivé : Service alerte-410");
    expect(mail!.text).toContain("Motif : le récepteur a répondu 410 Gone");
  });

  it("queues the daily digest of open problems once, whatever the number of instances", async () => {
    const claims = await Promise.all([queueDailyDigest(t.db, "2026-11-30"), queueDailyDigest(t.db, "2026-11-30")]);
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    const outcome = claims.find((c) => c.claimed)!;
    // Open: the disabled endpoint of the 410 test; the recovered one is not a problem any more.
    expect(outcome).toEqual({ claimed: true, problems: 1, mails: 2 });
    expect(await queueDailyDigest(t.db, "2026-11-30")).toEqual({ claimed: false, problems: 0, mails: 0 });

    await sendAlertMails(t.db, transport, sendOptions);
    const digests = (await maildev.messages()).filter((m) => m.subject.startsWith("[Les Communs] Récapitulatif"));
    expect(digests.map((m) => m.to[0]!.address).sort()).toEqual([contact, watcher]);
    expect(digests[0]!.subject).toBe("[Les Communs] Récapitulatif du 30/11/2026 : 1 webhook en difficulté");
    expect(digests[0]!.text).toContain("Service alerte-410 : désactivé");
    expect(digests[0]!.text).not.toContain("alerte-echec");
  });

  it("keeps every mail while the SMTP server is down and sends them once it is back", async () => {
    const target = await failingService("alerte-panne", 4, 500);
    await attemptAll();
    expect(await queued(target.endpointId, "failing")).toHaveLength(2);

    await maildev.stop();
    const down = await sendAlertMails(t.db, transport, sendOptions);
    expect(down).toMatchObject({ claimed: 2, sent: 0, failed: 2 });
    const waiting = await queued(target.endpointId, "failing");
    expect(waiting).toHaveLength(2);
    expect(waiting.every((m) => m.state === "pending" && m.attemptCount === 1 && m.nextAttemptAt.getTime() > Date.now() + 30_000)).toBe(true);
    expect(waiting.every((m) => m.lastError !== null && !m.lastError.includes("@"))).toBe(true);
    // Not due yet: a new round sends nothing.
    maildev = await startMailDev(SMTP_PORT, WEB_PORT);
    expect((await sendAlertMails(t.db, transport, sendOptions)).claimed).toBe(0);

    await t.db.execute(sql`update alert_mails set next_attempt_at = now() where state = 'pending'`);
    expect(await sendAlertMails(t.db, transport, sendOptions)).toMatchObject({ sent: 2, failed: 0 });
    expect((await maildev.messages()).map((m) => m.subject)).toEqual([
      "[Les Communs] Webhook en échec : Service alerte-panne",
      "[Les Communs] Webhook en échec : Service alerte-panne",
    ]);
    const [left] = rowsOf<{ n: number | string }>(await t.db.execute(sql`select count(*) as n from alert_mails where state = 'pending'`));
    expect(Number(left!.n)).toBe(0);
  });
});

describe("endpoint alerts on the clock", () => {
  it("announces an endpoint failing for ALERT_AFTER_MINUTES even when no attempt ends, once", async () => {
    const target = await failingService("alerte-duree", 1, 500);
    await attemptAll(); // 1 failure: under the threshold of 3 consecutive failures
    expect(await queued(target.endpointId, "failing")).toHaveLength(0);
    // Failing for less than the period: nothing yet.
    expect(await alertLongFailures(t.db, 30 * 60_000)).toEqual({ endpointIds: [] });
    // Half an hour later on the database clock, with no attempt in between.
    await t.db.execute(sql`update webhook_endpoints set failing_since = now() - interval '31 minutes' where id = ${target.endpointId}`);
    const twice = await Promise.all([alertLongFailures(t.db, 30 * 60_000), alertLongFailures(t.db, 30 * 60_000)]);
    expect(twice.flatMap((r) => r.endpointIds)).toEqual([target.endpointId]);
    expect((await queued(target.endpointId, "failing")).map((m) => m.recipient).sort()).toEqual([contact, watcher]);
    expect(await alertLongFailures(t.db, 30 * 60_000)).toEqual({ endpointIds: [] });
    const [endpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId));
    expect(endpoint!.alertState).toBe("failing");

    // A disabled endpoint is not announced as failing by the clock.
    const other = await failingService("alerte-duree-off", 1, 500);
    await attemptAll();
    await t.db.execute(sql`update webhook_endpoints set failing_since = now() - interval '2 hours', enabled = false where id = ${other.endpointId}`);
    expect(await alertLongFailures(t.db, 30 * 60_000)).toEqual({ endpointIds: [] });
  });
});
