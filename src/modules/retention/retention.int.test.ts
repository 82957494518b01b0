// Retention of events and the audit log, and the periodic-job claim (issue #16), on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { alertMails, auditLog, deliveries, deliveryAttempts, deliveryLog, events } from "@/db/schema";
import { getProjectDetail } from "@/modules/console/get-project-detail";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { openDatabase } from "@/db/client";
import { moveDeliveriesSql, requeuedForReplay } from "@/modules/delivery/move-deliveries";
import { purgeOldEvents } from "./purge-old-events";
import { claimPeriodicJob } from "./claim-periodic-job";
import { runRetentionPurge } from "./run-retention-purge";
import { setDeliveries } from "@/modules/delivery/testing/put-deliveries";
import { dailyCountsDrift } from "@/modules/console/testing/daily-counts-drift";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

/** Moves an event, its deliveries and their attempts `days` into the past (database clock). */
async function age(eventId: string, days: number, deliveryState: "delivered" | "failed" | "pending", endedDaysAgo = days) {
  await database.db.execute(sql`update events set created_at = now() - ${days} * interval '1 day' where id = ${eventId}`);
  await setDeliveries(database.db, sql`d.event_id = ${eventId}`, {
    state: deliveryState,
    set: { created_at: sql`now() - ${days} * interval '1 day'`, updated_at: sql`now() - ${endedDaysAgo} * interval '1 day'` },
  });
}

describe("runRetentionPurge", () => {
  it("removes events whose deliveries all ended past the retention, with deliveries and attempts; keeps queued and recent ones", async () => {
    const author = await seedService(database.db, "auteur-retention");
    const target = await seedService(database.db, "cible-retention", "http://127.0.0.1:9/hook");
    const projectId = await seedProject(database.db, author.serviceId);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await changeProject(database.db, projectId, author.serviceId)).eventId);
    const [done, queued, lateFailure, recent, noDeliveryYet] = ids as [string, string, string, string, string];
    await age(done, 100, "delivered");
    await age(queued, 100, "pending"); // still waiting for its receiver: never purged
    await age(lateFailure, 100, "failed", 10); // ended 10 days ago: kept until 90 days after that
    await age(recent, 5, "delivered");
    await age(noDeliveryYet, 100, "delivered");
    const [doneDelivery] = await database.db.select().from(deliveries).where(eq(deliveries.eventId, done));
    await database.db.insert(deliveryAttempts).values({ deliveryId: doneDelivery!.id, attemptNumber: 1, trigger: "auto", startedAt: new Date(), statusCode: 200 });
    await database.db.delete(deliveryLog).where(eq(deliveryLog.eventId, noDeliveryYet)); // an event no receiver got
    await database.db.insert(auditLog).values([
      { actorType: "cli", actorLabel: "cli", action: "ancien", targetType: "service" },
      { actorType: "cli", actorLabel: "cli", action: "recent", targetType: "service" },
    ]);
    await database.db.execute(sql`update audit_log set created_at = now() - interval '400 days' where action = 'ancien'`);
    await database.db.execute(sql`update audit_log set created_at = now() - interval '100 days' where action = 'recent'`);

    const summary = await runRetentionPurge(database.db, { webhookDays: 30, eventDays: 90, auditDays: 365 });
    expect(summary).toMatchObject({ events: 2, audit: 1 });

    const left = (await database.db.select({ id: events.id }).from(events).where(eq(events.projectId, projectId))).map((e) => e.id).sort();
    expect(left).toEqual([queued, lateFailure, recent].sort());
    expect(await database.db.select().from(deliveries).where(eq(deliveries.eventId, done))).toHaveLength(0);
    expect(await database.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, doneDelivery!.id))).toHaveLength(0);
    expect((await database.db.select({ action: auditLog.action }).from(auditLog).where(sql`action in ('ancien', 'recent')`)).map((a) => a.action)).toEqual(["recent"]);
    // The console's history of the project starts at the horizon; the project itself is untouched.
    const detail = await getProjectDetail(database.db, projectId);
    expect(detail.project.version).toBe(6);
    expect(detail.events.map((e) => e.id).sort()).toEqual([queued, lateFailure, recent].sort());
    // The kept queued delivery is still there to be sent.
    const [pending] = await database.db.select().from(deliveries).where(eq(deliveries.eventId, queued));
    expect(pending!.state).toBe("pending");
    // Nothing more to do: a second run removes nothing.
    expect(await runRetentionPurge(database.db, { webhookDays: 30, eventDays: 90, auditDays: 365 })).toMatchObject({ events: 0, audit: 0 });
    // The dashboard's daily counts lost what retention deleted (and followed the aging above).
    expect(await dailyCountsDrift(database.db)).toEqual([]);
  });
});

describe("runRetentionPurge and a replay", () => {
  it("keeps an old event whose delivery a replay is moving back to the queue, and after the replay's commit (issue #17)", async () => {
    if (skipWithoutPostgres("retention beside a replay in another session")) return;
    const author = await seedService(database.db, "auteur-rejeu-retention");
    await seedService(database.db, "cible-rejeu-retention", "http://127.0.0.1:9/hook");
    const projectId = await seedProject(database.db, author.serviceId);
    const { eventId } = await changeProject(database.db, projectId, author.serviceId);
    await age(eventId, 100, "delivered");
    const replay = await openDatabase({ url: database.url!, poolSize: 1 });
    try {
      // What a replay does before its commit: the event's key-share lock, then the move.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let moved!: () => void;
      const inQueue = new Promise<void>((resolve) => (moved = resolve));
      const replaying = replay.db.transaction(async (tx) => {
        await tx.execute(sql`select id from events where id = ${eventId} for key share`);
        await tx.execute(
          moveDeliveriesSql({ from: "delivery_log", to: "delivery_queue", where: sql`d.event_id = ${eventId}`, set: requeuedForReplay }),
        );
        moved();
        await held;
      });
      await inQueue;
      expect(await purgeOldEvents(database.db, { retentionDays: 90 })).toEqual({ events: 0 });
      release();
      await replaying;
      expect(await purgeOldEvents(database.db, { retentionDays: 90 })).toEqual({ events: 0 });
      expect(await database.db.select({ id: events.id }).from(events).where(eq(events.id, eventId))).toHaveLength(1);
      const [queued] = await database.db.select().from(deliveries).where(eq(deliveries.eventId, eventId));
      expect(queued).toMatchObject({ state: "pending", nextTrigger: "manual" });
    } finally {
      await replay.close();
    }
  });
});

describe("runRetentionPurge: alert mails", () => {
  it("deletes sent mails past WEBHOOK_RETENTION_DAYS and unsent ones past EVENT_RETENTION_DAYS; keeps the others", async () => {
    const mail = (recipient: string, state: "sent" | "pending") => ({ kind: "failing" as const, recipient, facts: {}, state });
    await database.db.insert(alertMails).values([
      mail("envoye-ancien@exemple.fr", "sent"),
      mail("envoye-recent@exemple.fr", "sent"),
      mail("attente-ancien@exemple.fr", "pending"),
      mail("attente-recent@exemple.fr", "pending"),
    ]);
    await database.db.execute(sql`update alert_mails set sent_at = now() - interval '31 days', created_at = now() - interval '31 days' where recipient = 'envoye-ancien@exemple.fr'`);
    await database.db.execute(sql`update alert_mails set sent_at = now() - interval '2 days', created_at = now() - interval '40 days' where recipient = 'envoye-recent@exemple.fr'`);
    await database.db.execute(sql`update alert_mails set created_at = now() - interval '91 days' where recipient = 'attente-ancien@exemple.fr'`);
    await database.db.execute(sql`update alert_mails set created_at = now() - interval '40 days' where recipient = 'attente-recent@exemple.fr'`);

    expect(await runRetentionPurge(database.db, { webhookDays: 30, eventDays: 90, auditDays: 365 })).toMatchObject({ alertMails: 2 });
    const left = (await database.db.select({ recipient: alertMails.recipient }).from(alertMails)).map((m) => m.recipient).sort();
    expect(left).toEqual(["attente-recent@exemple.fr", "envoye-recent@exemple.fr"]);
  });
});

describe("claimPeriodicJob", () => {
  it("lets one caller per period run a job, by the database clock", async () => {
    expect(await claimPeriodicJob(database.db, "essai", 60_000)).toBe(true);
    expect(await claimPeriodicJob(database.db, "essai", 60_000)).toBe(false);
    expect(await claimPeriodicJob(database.db, "autre", 60_000)).toBe(true);
    await database.db.execute(sql`update periodic_jobs set started_at = now() - interval '61 seconds' where name = 'essai'`);
    const racers = await Promise.all([1, 2, 3, 4].map(() => claimPeriodicJob(database.db, "essai", 60_000)));
    expect(racers.filter(Boolean)).toHaveLength(1);
  });
});
