// The Inngest functions, executed by @inngest/test against a real database and a loopback
// receiver: they must only drive the delivery core (no Inngest server involved).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { deliveries, heldChanges, resyncMarks, webhookEndpoints } from "@/db/schema";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { drainOutbox, markResyncEveryMinute, purgeDeliveries, releaseHeld, vacuumQueue } from "./delivery-functions";
import { OUTBOX_KICK_EVENT } from "./client";

let database: TestDatabase;
let receiver: LoopbackReceiver;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database);
  receiver = await startLoopbackReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await closeDeliveryPools();
  await database?.destroy();
});

describe("inngest drain-outbox", () => {
  it("delivers every due delivery on a kick, signed, and sleeps until a retry is due instead of waiting for the sweep", async () => {
    const author = await seedService(database.db, "auteur");
    const target = await seedService(database.db, "cible", receiver.url);
    const projectId = await seedProject(database.db, author.serviceId);
    const other = await seedProject(database.db, author.serviceId, "Piste cyclable");
    await changeProject(database.db, projectId, author.serviceId);
    await changeProject(database.db, other, author.serviceId);
    // The first request is told to come back in 2 s: the drain must sleep until then, not end.
    receiver.respond((_q, i) => (i === 0 ? { status: 503, headers: { "retry-after": "2" } } : { status: 200 }));

    const engine = new InngestTestEngine({
      function: drainOutbox,
      events: [{ name: OUTBOX_KICK_EVENT, data: {} }],
      // Durable sleeps are Inngest's job; the mock waits as long as the Retry-After asked.
      steps: [0, 1, 2, 3, 4, 5].map((n) => ({ id: `wait-${n}`, handler: () => new Promise((r) => setTimeout(r, 2100)) })),
    });
    const started = Date.now();
    const { result, ctx } = await engine.execute();
    expect(result).toEqual({ claimed: 3, delivered: 2 });
    expect(ctx.step.sleepUntil).toHaveBeenCalledTimes(1);
    const [, until] = (ctx.step.sleepUntil as unknown as { mock: { calls: [string, string][] } }).mock.calls[0]!;
    expect(Date.parse(until) - started).toBeGreaterThanOrEqual(2000);
    const rows = await database.db.select().from(deliveries).where(eq(deliveries.endpointId, target.endpointId!));
    expect(rows.map((d) => d.state)).toEqual(["delivered", "delivered"]);
    for (const q of receiver.requests) {
      expect(() => new Webhook(target.secret!).verify(q.body, q.headers as Record<string, string>)).not.toThrow();
    }
  });

  it("ends at once when nothing is due (cron sweep on an empty queue)", async () => {
    const { result, ctx } = await new InngestTestEngine({ function: drainOutbox }).execute();
    expect(result).toEqual({ claimed: 0, delivered: 0 });
    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
  });
});

describe("inngest purge-delivery-history", () => {
  it("runs the retention purge, and prunes the resync marks past retention but the newest of them", async () => {
    const old = (days: number) => new Date(Date.now() - days * 86_400_000);
    await database.db.insert(resyncMarks).values([
      { at: old(400), snapshot: "10:10:" },
      { at: old(300), snapshot: "11:11:" },
      { at: old(200), snapshot: "12:12:" },
    ]);
    const { result } = await new InngestTestEngine({ function: purgeDeliveries }).execute();
    expect(result).toMatchObject({ attempts: 0, bodies: 0, resyncMarks: 2 });
    // PGlite has no autovacuum: there, the job vacuums what it purged; PostgreSQL is left to its own.
    expect((result as { vacuumed: string[] }).vacuumed).toEqual(database.driver === "pglite" ? ["resync_marks"] : []);
    const left = await database.db.select().from(resyncMarks);
    expect(left.map((m) => m.snapshot)).toContain("12:12:");
    expect(left.map((m) => m.snapshot)).not.toContain("10:10:");
  });
});

describe("inngest mark-resync", () => {
  it("records a mark of the database's snapshot now", async () => {
    const before = (await database.db.select().from(resyncMarks)).length;
    await new InngestTestEngine({ function: markResyncEveryMinute }).execute();
    const marks = await database.db.select().from(resyncMarks);
    expect(marks).toHaveLength(before + 1);
    expect(marks.every((m) => /^\d+:\d+:[\d,]*$/.test(m.snapshot))).toBe(true);
  });
});

describe("inngest release-held-changes", () => {
  it("releases the held changes of an endpoint enabled again without a release (a racing writer's), then kicks a drain", async () => {
    const author = await seedService(database.db, "auteur-retenu");
    const target = await seedService(database.db, "cible-retenue", receiver.url);
    const projectId = await seedProject(database.db, author.serviceId, "Salle des fêtes");
    await database.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, target.endpointId!));
    await changeProject(database.db, projectId, author.serviceId);
    expect(await database.db.select().from(heldChanges).where(eq(heldChanges.endpointId, target.endpointId!))).toHaveLength(1);
    await database.db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.id, target.endpointId!));

    // Sending the kick is Inngest's job: mocked here, like the durable sleeps above.
    const kicks: unknown[] = [];
    const { result } = await new InngestTestEngine({
      function: releaseHeld,
      steps: [{ id: "kick", handler: () => (kicks.push(1), { ids: [] }) }],
    }).execute();
    expect(result).toEqual({ released: 1 });
    expect(kicks).toHaveLength(1);
    expect(await database.db.select().from(heldChanges).where(eq(heldChanges.endpointId, target.endpointId!))).toEqual([]);
    const queued = await database.db.select().from(deliveries).where(eq(deliveries.endpointId, target.endpointId!));
    expect(queued).toEqual([expect.objectContaining({ projectId, projectVersion: 2, eventType: "projet.modifie", state: "pending" })]);
    expect((await new InngestTestEngine({ function: releaseHeld }).execute()).result).toEqual({ released: 0 });
  });
});

describe("inngest vacuum-delivery-queue", () => {
  it("vacuums the queue once per period over every instance", async () => {
    await database.db.execute(sql`delete from periodic_jobs where name = 'queue-vacuum'`);
    expect((await new InngestTestEngine({ function: vacuumQueue }).execute()).result).toEqual({ vacuumed: true });
    // Another instance's cron within the same period skips.
    expect((await new InngestTestEngine({ function: vacuumQueue }).execute()).result).toEqual({ vacuumed: false });
    const [stats] = rowsOf<{ vacuumed: boolean }>(
      await database.db.execute(sql`select coalesce(last_vacuum, '-infinity') > now() - interval '1 minute' as vacuumed from pg_stat_user_tables where relname = 'delivery_queue'`),
    );
    expect(stats?.vacuumed).toBe(true);
  });
});
