// The delivery engine end to end on a real database, against HTTP receivers on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { Webhook } from "standardwebhooks";
import { auditLog, deliveries, deliveryAttempts, events, heldChanges, services, webhookEndpoints } from "@/db/schema";
import { withDeliveryBodies } from "@/modules/outbox/read-delivery-bodies";
import { openDatabase, rowsOf } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { secretKeyring } from "@/env";
import { rotateWebhookSecret } from "@/modules/webhooks/rotate-webhook-secret";
import { sendTestEvent } from "@/modules/webhooks/send-test-event";
import type { DeliveryOptions } from "./delivery-options";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { deliverBatch } from "./deliver-batch";
import { startDeliveryLoop, type DeliveryLoop } from "./run-delivery-loop";
import { replayDelivery } from "./replay-delivery";
import { replayFailedDeliveries } from "./replay-failed-deliveries";
import { purgeDeliveryHistory } from "./purge-delivery-history";
import { closeDeliveryPools } from "./post-webhook";
import { startLoopbackReceiver } from "./testing/loopback-receiver";
import { startRawReceiver } from "./testing/raw-receiver";
import { changeProject, seedProject, seedService } from "./testing/seed-receivers";
import { setDeliveries } from "./testing/put-deliveries";
import { dailyCountsDrift } from "@/modules/console/testing/daily-counts-drift";

let database: TestDatabase;
let loop: DeliveryLoop | null = null;
/** Receivers to close after each test. */
const receivers: { close: () => Promise<void> }[] = [];
const operator = { type: "cli" } as const;
let slugCounter = 0;

const options = (overrides: Partial<DeliveryOptions> = {}) =>
  deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 16, ...overrides });

function runLoop(overrides: Partial<DeliveryOptions> = {}) {
  loop = startDeliveryLoop(database.db, { ...options(overrides), maxInFlight: 32, maxInFlightPerEndpoint: 16, pollMs: 50 });
  return loop;
}

async function receiver(...args: Parameters<typeof startLoopbackReceiver>) {
  const r = await startLoopbackReceiver(...args);
  receivers.push(r);
  return r;
}

/** Author service (no endpoint) and a receiving service with an endpoint on `url`. */
async function pair(url: string) {
  slugCounter++;
  const author = await seedService(database.db, `auteur-${slugCounter}`);
  const target = await seedService(database.db, `cible-${slugCounter}`, url);
  const projectId = await seedProject(database.db, author.serviceId);
  return { author, target, projectId };
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const deliveriesTo = (endpointId: string) =>
  database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId)).orderBy(asc(deliveries.id));
const attemptsOf = (deliveryId: number) =>
  database.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.id));
const settled = (rows: { state: string }[]) => rows.length > 0 && rows.every((d) => d.state === "delivered" || d.state === "failed");

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await loop?.stop();
  loop = null;
  // Later tests' events must not fan out to this test's receivers.
  await database.db.update(webhookEndpoints).set({ enabled: false });
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  // A later receiver may listen on the same port: no keep-alive connection to a closed one may be reused.
  await closeDeliveryPools();
});
afterAll(async () => {
  await closeDeliveryPools();
  await database?.destroy();
});

describe("webhook delivery", () => {
  it("delivers the stored body, signed so that the Standard Webhooks library verifies it", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    // The author's own endpoint must not receive its own change.
    const authorReceiver = await receiver();
    await database.db.insert(webhookEndpoints).values({ serviceId: author.serviceId, url: authorReceiver.url, secret: target.secret! });
    const { eventId } = await changeProject(database.db, projectId, author.serviceId);
    runLoop();
    const [delivery] = await waitFor(() => deliveriesTo(target.endpointId!), settled, "delivery");
    expect(delivery!.state).toBe("delivered");
    expect(r.requests).toHaveLength(1);
    const request = r.requests[0]!;
    expect(request.headers["webhook-id"]).toBe(eventId);
    expect(request.body).toBe((await withDeliveryBodies(database.db, [delivery!]))[0]!.body);
    const verified = new Webhook(target.secret!).verify(request.body, request.headers as Record<string, string>) as { id: string; type: string };
    expect(verified).toMatchObject({ id: eventId, type: "projet.modifie" });
    expect(authorReceiver.requests).toHaveLength(0);
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts).toMatchObject([{ attemptNumber: 1, trigger: "auto", statusCode: 200, errorClass: null }]);
  });

  it("retries on the compressed schedule: 500, 500, 200 gives 3 attempts with one webhook-id", async () => {
    const r = await receiver((_req, i) => ({ status: i < 2 ? 500 : 200, body: i < 2 ? "indisponible" : "ok" }));
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    runLoop();
    const [delivery] = await waitFor(() => deliveriesTo(target.endpointId!), settled, "delivery");
    expect(delivery!.state).toBe("delivered");
    expect(new Set(r.requests.map((q) => q.headers["webhook-id"])).size).toBe(1);
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => [a.attemptNumber, a.statusCode, a.errorClass, a.responseExcerpt])).toEqual([
      [1, 500, "http", "indisponible"],
      [2, 500, "http", "indisponible"],
      [3, 200, null, "ok"],
    ]);
    const [endpoint] = await waitFor(
      () => database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId!)),
      (rows) => rows[0]!.lastSuccessAt !== null,
      "endpoint health",
    );
    expect(endpoint).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    expect(endpoint!.lastSuccessAt).not.toBeNull();
  });

  it("fails after the last attempt of the schedule, then a replay delivers with the same webhook-id", async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { author, target, projectId } = await pair(r.url);
    const { eventId } = await changeProject(database.db, projectId, author.serviceId);
    runLoop();
    const [delivery] = await waitFor(() => deliveriesTo(target.endpointId!), settled, "delivery");
    expect(delivery!.state).toBe("failed");
    expect(r.requests).toHaveLength(4); // 3 waits → 4 attempts
    // Endpoint health is written just after the batch's outcomes, in its own statement.
    const [endpoint] = await waitFor(
      () => database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId!)),
      (rows) => rows[0]!.consecutiveFailures >= 4,
      "endpoint health",
    );
    expect(endpoint!.consecutiveFailures).toBe(4);
    expect(endpoint!.failingSince).not.toBeNull();

    r.respond(() => ({ status: 204 }));
    const replayed = await replayDelivery(database.db, { deliveryId: delivery!.id }, operator, options());
    expect(replayed).toEqual({ deliveryId: delivery!.id, state: "delivered" });
    expect(r.requests).toHaveLength(5);
    expect(r.requests[4]!.headers["webhook-id"]).toBe(eventId);
    expect(() => new Webhook(target.secret!).verify(r.requests[4]!.body, r.requests[4]!.headers as Record<string, string>)).not.toThrow();
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => [a.attemptNumber, a.trigger, a.statusCode])).toEqual([
      [1, "auto", 500],
      [2, "auto", 500],
      [3, "auto", 500],
      [4, "auto", 500],
      [5, "manual", 204],
    ]);
    // The receiver answers again: the endpoint is no longer failing (the console stops saying so).
    const [recovered] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId!));
    expect(recovered).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    expect(recovered!.lastSuccessAt).not.toBeNull();
    // A delivered delivery can be replayed too (the receiver lost it).
    expect(await replayDelivery(database.db, { deliveryId: delivery!.id }, operator, options())).toEqual({ deliveryId: delivery!.id, state: "delivered" });
    expect(r.requests).toHaveLength(6);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.action, "delivery.replay"));
    expect(audit.filter((a) => a.targetId === String(delivery!.id))).toHaveLength(2);
  });

  it("replays every failed delivery of a service: they re-enter the queue with a fresh cycle", async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { author, target, projectId } = await pair(r.url);
    const other = await seedProject(database.db, author.serviceId, "Piste cyclable");
    await changeProject(database.db, projectId, author.serviceId);
    await changeProject(database.db, other, author.serviceId);
    runLoop();
    await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 2 && rows.every((d) => d.state === "failed"), "failures");
    r.respond((_q, i) => ({ status: i === 8 ? 500 : 200 })); // the first replayed attempt of one fails once more
    const before = new Date(Date.now() - 60_000);
    expect(await replayFailedDeliveries(database.db, { serviceId: target.serviceId, since: before }, operator)).toEqual({ replayed: 2 });
    const rows = await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 2 && rows.every((d) => d.state === "delivered"), "replays");
    for (const d of rows) {
      const attempts = await attemptsOf(d.id);
      expect(attempts[4]).toMatchObject({ attemptNumber: 5, trigger: "manual" });
      expect(attempts.slice(5).every((a) => a.trigger === "auto")).toBe(true);
    }
    expect(await replayFailedDeliveries(database.db, { serviceId: target.serviceId }, operator)).toEqual({ replayed: 0 });
    expect(await replayFailedDeliveries(database.db, { serviceId: target.serviceId, until: before }, operator)).toEqual({ replayed: 0 });
  });

  it("disables the endpoint on 410 Gone: what was queued waits, the refused project is held", async () => {
    const r = await receiver(() => ({ status: 410 }));
    const { author, target, projectId } = await pair(r.url);
    const other = await seedProject(database.db, author.serviceId, "Piste cyclable");
    await changeProject(database.db, projectId, author.serviceId);
    await changeProject(database.db, other, author.serviceId);
    // One at a time, so that the second delivery is still queued when the first gets its 410.
    expect(await deliverBatch(database.db, options({ batchSize: 1 }))).toMatchObject({ claimed: 1, disabled: [{ endpointId: target.endpointId }] });
    expect((await deliverBatch(database.db, options({ batchSize: 1 }))).claimed).toBe(0);
    const rows = await deliveriesTo(target.endpointId!);
    // CONTRACT §8: nothing is dropped. The refused delivery failed and its project is held for the
    // receiver (its current state goes out on re-enable); the other one waits, pending.
    expect(rows.map((d) => d.state)).toEqual(["failed", "pending"]);
    expect(rows[0]!.lastError).toBe("HTTP 410");
    expect(r.requests).toHaveLength(1);
    const held = await database.db.select().from(heldChanges).where(eq(heldChanges.endpointId, target.endpointId!));
    expect(held).toEqual([expect.objectContaining({ projectId: rows[0]!.projectId, projectVersion: rows[0]!.projectVersion, authorServiceId: author.serviceId })]);
    const [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId!));
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: "le récepteur a répondu 410 Gone" });
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, "webhook_endpoint.disable_auto"));
    expect(audit).toMatchObject({ actorType: "system", targetId: target.serviceId });
    expect(JSON.stringify(audit)).not.toContain("whsec_");
  });

  it("holds the queue of a disabled endpoint or service until it is enabled again", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    await database.db.update(services).set({ enabled: false }).where(eq(services.id, target.serviceId));
    expect((await deliverBatch(database.db, options())).claimed).toBe(0);
    await database.db.update(services).set({ enabled: true }).where(eq(services.id, target.serviceId));
    await database.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, target.endpointId!));
    expect((await deliverBatch(database.db, options())).claimed).toBe(0);
    await database.db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.id, target.endpointId!));
    expect(await deliverBatch(database.db, options())).toMatchObject({ claimed: 1, delivered: 1 });
    expect(r.requests).toHaveLength(1);
  });

  it("honours Retry-After on 503: the next attempt is not scheduled before it", async () => {
    const r = await receiver(() => ({ status: 503, headers: { "retry-after": "3" } }));
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    const summary = await deliverBatch(database.db, options());
    expect(summary).toMatchObject({ claimed: 1, recorded: 1, delivered: 0 });
    const [delivery] = await deliveriesTo(target.endpointId!);
    const [attempt] = await attemptsOf(delivery!.id);
    expect(delivery!.state).toBe("pending");
    expect(delivery!.nextAttemptAt.getTime() - attempt!.startedAt.getTime()).toBeGreaterThanOrEqual(3000);
    // Not due yet: another round claims nothing.
    expect((await deliverBatch(database.db, options())).claimed).toBe(0);
  });

  it("keeps a lane's backlog out of the due range while its head waits for a retry", async () => {
    const r = await receiver(() => ({ status: 429, headers: { "retry-after": "60" } }));
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    await changeProject(database.db, projectId, author.serviceId);
    expect(await deliverBatch(database.db, options())).toMatchObject({ claimed: 1, recorded: 1 });
    await changeProject(database.db, projectId, author.serviceId); // queued while the head waits
    const [head, ...rest] = await deliveriesTo(target.endpointId!);
    expect(rest).toHaveLength(2);
    expect(head!.state).toBe("pending");
    expect(head!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(50_000);
    for (const d of rest) expect(d.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(head!.nextAttemptAt.getTime());
    expect((await deliverBatch(database.db, options())).claimed).toBe(0);
    expect(r.requests).toHaveLength(1);
  });

  it("keeps one delivery in flight per (project, endpoint), in version order, even through retries", async () => {
    const inFlight = new Map<string, number>();
    let overlap = 0;
    const seen: { project: string; version: number; status: number }[] = [];
    let failedOnce = false;
    const r = await receiver(async (q) => {
      const body = JSON.parse(q.body) as { data: { projet: { id: string; version: number } } };
      const { id, version } = body.data.projet;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      if (inFlight.get(id)! > 1) overlap++;
      await new Promise((res) => setTimeout(res, 30)); // slow receiver
      inFlight.set(id, inFlight.get(id)! - 1);
      const status = version === 3 && !failedOnce ? ((failedOnce = true), 500) : 200;
      seen.push({ project: id, version, status });
      return { status };
    });
    const { author, target, projectId } = await pair(r.url);
    const second = await seedProject(database.db, author.serviceId, "Piste cyclable");
    for (let i = 0; i < 6; i++) {
      await changeProject(database.db, projectId, author.serviceId);
      await changeProject(database.db, second, author.serviceId);
    }
    runLoop();
    await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 12 && rows.every((d) => d.state === "delivered"), "all");
    expect(overlap).toBe(0);
    for (const p of [projectId, second]) {
      const versions = seen.filter((s) => s.project === p).map((s) => s.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(seen.filter((s) => s.project === p && s.status === 200).map((s) => s.version)).toEqual([2, 3, 4, 5, 6, 7]);
    }
    expect(seen.some((s) => s.status === 500)).toBe(true);
    // The two lanes did run side by side.
    expect(seen.findIndex((s) => s.project === second)).toBeLessThan(seen.map((s) => s.project).lastIndexOf(projectId));
  });

  it("never spins: a lease expired on a disabled endpoint or service lets the loop sleep until something is due", async () => {
    const r = await receiver();
    const a = await pair(r.url);
    const b = await pair(r.url);
    await changeProject(database.db, a.projectId, a.author.serviceId);
    await changeProject(database.db, b.projectId, b.author.serviceId);
    // Both were taken by a worker that died: in flight, lease expired a minute ago.
    await setDeliveries(database.db, sql`d.endpoint_id in (${a.target.endpointId!}::uuid, ${b.target.endpointId!}::uuid)`, {
      state: "in_flight",
      set: { lease_owner: sql`'worker:mort'`, lease_expires_at: sql`now() - interval '1 minute'`, attempt_count: sql`1` },
    });
    await database.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, a.target.endpointId!));
    await database.db.update(services).set({ enabled: false }).where(eq(services.id, b.target.serviceId));
    // Claims are the loop's only transactions while nothing is recorded.
    let claims = 0;
    const counting = new Proxy(database.db, {
      get(target, property, receiverObject) {
        if (property === "transaction") {
          return (...args: Parameters<typeof target.transaction>) => {
            claims++;
            return target.transaction(...args);
          };
        }
        return Reflect.get(target, property, receiverObject);
      },
    });
    loop = startDeliveryLoop(counting, { ...options(), maxInFlight: 32, maxInFlightPerEndpoint: 16, pollMs: 1000 });
    await new Promise((res) => setTimeout(res, 2000));
    await loop.stop();
    loop = null;
    // One claim at start, then one per poll: 3 in two seconds. A loop that does not sleep makes dozens.
    expect(claims).toBeGreaterThan(0);
    expect(claims).toBeLessThanOrEqual(4);
    // Nothing was sent to a disabled endpoint or service: every delivery waits, untouched.
    expect(r.requests).toHaveLength(0);
    const rows = await database.db.select().from(deliveries).where(inArray(deliveries.endpointId, [a.target.endpointId!, b.target.endpointId!]));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((d) => d.state === "in_flight" && d.leaseOwner === "worker:mort")).toBe(true);
    // Enabled again, the lost attempts are taken back and delivered.
    await database.db.update(services).set({ enabled: true }).where(eq(services.id, b.target.serviceId));
    await database.db.update(webhookEndpoints).set({ enabled: true }).where(inArray(webhookEndpoints.id, [a.target.endpointId!, b.target.endpointId!]));
    expect(await deliverBatch(database.db, options())).toMatchObject({ claimed: rows.length, delivered: rows.length });
  });

  it("does not look for events to expand after each outcome round: writes and the idle sleep wake the expander", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    for (let i = 0; i < 12; i++) await changeProject(database.db, projectId, author.serviceId);
    // Every expansion starts with this probe of the queue (expand-events.ts).
    let probes = 0;
    const dialect = new PgDialect();
    const counting = new Proxy(database.db, {
      get(target, property, receiverObject) {
        if (property === "execute") {
          return (query: SQL) => {
            if (/^\s*select 1 from event_fanouts limit 1\s*$/.test(dialect.sqlToQuery(query).sql)) probes++;
            return target.execute(query);
          };
        }
        return Reflect.get(target, property, receiverObject);
      },
    });
    // One delivery in flight at a time (one lane): 12 claim and outcome rounds.
    loop = startDeliveryLoop(counting, { ...options({ batchSize: 1 }), maxInFlight: 1, maxInFlightPerEndpoint: 1, pollMs: 1000 });
    await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 12 && settled(rows), "12 deliveries");
    await loop.stop();
    loop = null;
    expect(r.requests).toHaveLength(12);
    // The start, and at most one idle wake-up: not one probe per outcome round.
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(3);
  });

  it("expands what was written while a slow receiver keeps the pipeline busy, with no wake-up: within the poll period", async () => {
    const slow = await receiver(async () => {
      await new Promise((res) => setTimeout(res, 40));
      return { status: 200 };
    });
    const busy = await pair(slow.url);
    // 60 changes of one project: its lane sends them one at a time, 40 ms each (2.4 s of work).
    for (let i = 0; i < 60; i++) await changeProject(database.db, busy.projectId, busy.author.serviceId);
    const fast = await receiver();
    const other = await pair(fast.url);
    loop = startDeliveryLoop(database.db, { ...options(), maxInFlight: 32, maxInFlightPerEndpoint: 16, pollMs: 200 });
    await waitFor(async () => slow.requests.length, (n) => n >= 2, "the slow lane under way");
    // Written in another process, say, whose NOTIFY this loop never gets: nothing wakes it.
    await changeProject(database.db, other.projectId, other.author.serviceId, { expand: false });
    await waitFor(async () => fast.requests.length, (n) => n === 1, "the new change delivered");
    // Delivered while the slow lane was still busy: not after the backlog drained.
    const slowLeft = (await deliveriesTo(busy.target.endpointId!)).filter((d) => d.state !== "delivered");
    expect(slowLeft.length).toBeGreaterThan(20);
  });

  describe("replays keep a lane one at a time", () => {
    /** A receiver that counts requests in flight per project and answers per (version, nth time). */
    async function laneReceiver(answer: (version: number, seen: number) => { status: number; delayMs?: number }) {
      const inFlight = new Map<string, number>();
      const state = { overlap: 0, log: [] as number[] };
      const counts = new Map<number, number>();
      const r = await receiver(async (q) => {
        const { id, version } = (JSON.parse(q.body) as { data: { projet: { id: string; version: number } } }).data.projet;
        inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
        if (inFlight.get(id)! > 1) state.overlap++;
        const n = (counts.get(version) ?? 0) + 1;
        counts.set(version, n);
        const reply = answer(version, n);
        if (reply.delayMs) await new Promise((res) => setTimeout(res, reply.delayMs));
        inFlight.set(id, inFlight.get(id)! - 1);
        state.log.push(version);
        return { status: reply.status };
      });
      return { r, state };
    }

    /** Version 2 fails for good (one attempt), then version 3 is queued. */
    async function failedThenNewer(answer: Parameters<typeof laneReceiver>[0]) {
      const { r, state } = await laneReceiver(answer);
      const { author, target, projectId } = await pair(r.url);
      await changeProject(database.db, projectId, author.serviceId); // version 2
      expect(await deliverBatch(database.db, options({ scheduleMs: [] }))).toMatchObject({ claimed: 1, delivered: 0 });
      const [failed] = await deliveriesTo(target.endpointId!);
      expect(failed!.state).toBe("failed");
      return { r, state, target, projectId, author, failed: failed! };
    }

    it("a replay of an old delivery while a newer one is in flight is queued behind it", async () => {
      const { r, state, target, projectId, author, failed } = await failedThenNewer((version, n) =>
        version === 2 && n === 1 ? { status: 500 } : { status: 200, delayMs: version === 3 ? 400 : 0 },
      );
      await changeProject(database.db, projectId, author.serviceId); // version 3, slow to answer
      runLoop();
      await waitFor(async () => r.requests.length, (n) => n === 2, "version 3 in flight");
      expect(await replayDelivery(database.db, { deliveryId: failed.id }, operator, options())).toEqual({ deliveryId: failed.id, state: "pending" });
      await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.every((d) => d.state === "delivered"), "all delivered");
      expect(state.overlap).toBe(0);
      expect(state.log).toEqual([2, 3, 2]);
      expect((await attemptsOf(failed.id)).map((a) => a.trigger)).toEqual(["auto", "manual"]);
    });

    it("a bulk replay while a newer delivery of the lane is in flight waits for it", async () => {
      const { r, state, target, projectId, author, failed } = await failedThenNewer((version, n) =>
        version === 2 && n === 1 ? { status: 500 } : { status: 200, delayMs: version === 3 ? 400 : 0 },
      );
      await changeProject(database.db, projectId, author.serviceId);
      runLoop();
      await waitFor(async () => r.requests.length, (n) => n === 2, "version 3 in flight");
      expect(await replayFailedDeliveries(database.db, { serviceId: target.serviceId }, operator)).toEqual({ replayed: 1 });
      await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.every((d) => d.state === "delivered"), "all delivered");
      expect(state.overlap).toBe(0);
      expect(state.log).toEqual([2, 3, 2]);
      expect((await attemptsOf(failed.id)).map((a) => a.trigger)).toEqual(["auto", "manual"]);
    });

    it("a replay counts a change written but not yet expanded as queued in its lane", async () => {
      const { r, state, target, projectId, author, failed } = await failedThenNewer((version, n) => (version === 2 && n === 1 ? { status: 500 } : { status: 200 }));
      // Version 3 is written: its event waits for the expansion, no delivery row yet. An expander
      // that inserted it while the replay checked its lane would let a claim send it beside the
      // replay's immediate attempt (the write's project lock no longer covers the insert).
      await changeProject(database.db, projectId, author.serviceId, { expand: false });
      expect(await replayDelivery(database.db, { deliveryId: failed.id }, operator, options())).toEqual({ deliveryId: failed.id, state: "pending" });
      runLoop();
      await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 2 && rows.every((d) => d.state === "delivered"), "all delivered");
      expect(r.requests).toHaveLength(3);
      expect(state.overlap).toBe(0);
      // The replay is the lane's head again (the lower id): it goes first, then version 3.
      expect(state.log).toEqual([2, 2, 3]);
    });

    it("a change queued during an immediate replay waits for the replay's attempt", async () => {
      const { r, state, target, projectId, author, failed } = await failedThenNewer((version, n) =>
        version === 2 && n === 1 ? { status: 500 } : { status: 200, delayMs: version === 2 ? 500 : 0 },
      );
      runLoop();
      const replay = replayDelivery(database.db, { deliveryId: failed.id }, operator, options());
      await waitFor(async () => r.requests.length, (n) => n === 2, "the replay in flight");
      await changeProject(database.db, projectId, author.serviceId); // version 3, queued meanwhile
      loop!.wake();
      expect(await replay).toEqual({ deliveryId: failed.id, state: "delivered" });
      await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 2 && rows.every((d) => d.state === "delivered"), "all delivered");
      expect(state.overlap).toBe(0);
      expect(state.log).toEqual([2, 2, 3]);
    });
  });

  it("caps what one worker keeps in flight to one endpoint", async () => {
    let current = 0;
    let peak = 0;
    const r = await receiver(async () => {
      peak = Math.max(peak, ++current);
      await new Promise((res) => setTimeout(res, 300)); // slow enough for claims to overlap requests
      current--;
      return { status: 200 };
    });
    const { author, target } = await pair(r.url);
    for (let i = 0; i < 8; i++) await changeProject(database.db, await seedProject(database.db, author.serviceId, `Projet ${i}`), author.serviceId);
    loop = startDeliveryLoop(database.db, { ...options({ batchSize: 1 }), maxInFlight: 32, maxInFlightPerEndpoint: 2, pollMs: 50 });
    await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 8 && rows.every((d) => d.state === "delivered"), "all");
    // Eight independent lanes, but never more than the cap (one-row claims cannot overshoot it).
    expect(peak).toBe(2);
  });

  it("caps what all workers keep in flight to one endpoint, counted in the database (issue #16)", async () => {
    let current = 0;
    let peak = 0;
    const r = await receiver(async () => {
      peak = Math.max(peak, ++current);
      await new Promise((res) => setTimeout(res, 200));
      current--;
      return { status: 200 };
    });
    const { author, target } = await pair(r.url);
    for (let i = 0; i < 12; i++) await changeProject(database.db, await seedProject(database.db, author.serviceId, `Projet ${i}`), author.serviceId);
    // Two workers with their own connections (on PostgreSQL, a second pool as a second process
    // would have), each with a batch larger than the cap: neither the batch nor the other worker
    // may take it over.
    const second = database.url ? await openDatabase({ url: database.url, poolSize: 4 }) : null;
    const taken = { a: 0, b: 0 };
    const loopOptions = { maxInFlight: 32, maxInFlightPerEndpoint: 3, pollMs: 30 };
    loop = startDeliveryLoop(database.db, { ...options({ batchSize: 8, owner: "worker-a" }), ...loopOptions, onClaimed: (c) => (taken.a += c.length) });
    const other = startDeliveryLoop(second?.db ?? database.db, { ...options({ batchSize: 8, owner: "worker-b" }), ...loopOptions, onClaimed: (c) => (taken.b += c.length) });
    try {
      await waitFor(() => deliveriesTo(target.endpointId!), (rows) => rows.length === 12 && rows.every((d) => d.state === "delivered"), "all");
    } finally {
      await other.stop();
      await second?.close();
    }
    // A cap per worker would have let the second one take 3 more while the first was full (peak 6).
    expect(peak).toBe(3);
    expect(taken.a + taken.b).toBe(12);
  });

  it("refuses a non-public target at send time when private URLs are not allowed, without connecting", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    const strict = options({ urlPolicy: { allowPrivate: false, requireHttps: false }, scheduleMs: [] });
    expect(await deliverBatch(database.db, strict)).toMatchObject({ claimed: 1, recorded: 1 });
    const [delivery] = await deliveriesTo(target.endpointId!);
    const [attempt] = await attemptsOf(delivery!.id);
    expect(delivery!.state).toBe("failed");
    expect(attempt).toMatchObject({ errorClass: "blocked", statusCode: null });
    expect(attempt!.errorMessage).toMatch(/127\.0\.0\.1 n'est pas une adresse publique/);
    expect(r.requests).toHaveLength(0);
  });

  it("does not follow redirects, times out slow receivers and keeps at most 2 KiB of a response", async () => {
    const r = await receiver((q) =>
      q.path.endsWith("/redirect")
        ? { status: 302, headers: { location: "/webhooks/ailleurs" } }
        : q.path.endsWith("/slow")
          ? { status: 200, delayMs: 1500 }
          : { status: 500, body: "é".repeat(5000) },
    );
    for (const [suffix, check] of [
      ["/redirect", { statusCode: 302, errorClass: "http" }],
      ["/slow", { statusCode: null, errorClass: "timeout" }],
      ["/big", { statusCode: 500, errorClass: "http" }],
    ] as const) {
      const { author, target, projectId } = await pair(`${r.url}${suffix}`);
      await changeProject(database.db, projectId, author.serviceId);
      await deliverBatch(database.db, options({ timeoutMs: 300, scheduleMs: [] }));
      const [delivery] = await deliveriesTo(target.endpointId!);
      const [attempt] = await attemptsOf(delivery!.id);
      expect(attempt).toMatchObject(check);
      if (suffix === "/big") {
        expect(Buffer.byteLength(attempt!.responseExcerpt!)).toBeLessThanOrEqual(2048);
        expect(attempt!.responseExcerpt!.length).toBeGreaterThan(1000);
      }
      await database.db.update(webhookEndpoints).set({ enabled: false });
    }
    expect(r.requests.filter((q) => q.path.endsWith("/ailleurs"))).toHaveLength(0);
  });

  it("counts a 2xx as delivered when its body is cut or trickles past the timeout: one request each, endpoint healthy", async () => {
    const timers: NodeJS.Timeout[] = [];
    const cut = await startRawReceiver((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nok");
      socket.destroy();
    });
    const slow = await startRawReceiver((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n");
      const timer = setInterval(() => socket.writable && socket.write("."), 100);
      timers.push(timer);
      socket.on("close", () => clearInterval(timer));
    });
    receivers.push(cut, slow);
    try {
      for (const raw of [cut, slow]) {
        const { author, target, projectId } = await pair(raw.url);
        await changeProject(database.db, projectId, author.serviceId);
        runLoop({ timeoutMs: 300 });
        const [delivery] = await waitFor(() => deliveriesTo(target.endpointId!), settled, "delivery");
        await loop!.stop();
        loop = null;
        expect(delivery!.state).toBe("delivered");
        expect(raw.requests).toBe(1);
        expect(await attemptsOf(delivery!.id)).toMatchObject([{ attemptNumber: 1, statusCode: 200, errorClass: null }]);
        const [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, target.endpointId!));
        expect(endpoint).toMatchObject({ consecutiveFailures: 0, failingSince: null, enabled: true });
        await database.db.update(webhookEndpoints).set({ enabled: false });
      }
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it("signs with the old and the new secret during a rotation overlap", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    const { secret } = await rotateWebhookSecret(database.db, target.serviceId, operator, secretKeyring());
    expect(secret).toMatch(/^whsec_/);
    await changeProject(database.db, projectId, author.serviceId);
    runLoop();
    await waitFor(() => deliveriesTo(target.endpointId!), settled, "delivery");
    const q = r.requests[0]!;
    expect(() => new Webhook(secret).verify(q.body, q.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(target.secret!).verify(q.body, q.headers as Record<string, string>)).not.toThrow();
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, "webhook_endpoint.rotate_secret"));
    expect(JSON.stringify(audit)).not.toContain("whsec_");
  });

  it("sends a test event to one service's endpoint only", async () => {
    const r = await receiver();
    const other = await receiver();
    const { target } = await pair(r.url);
    await seedService(database.db, `tiers-${slugCounter}`, other.url);
    const { eventId } = await sendTestEvent(database.db, target.serviceId, operator);
    runLoop();
    await waitFor(() => deliveriesTo(target.endpointId!), settled, "test event");
    expect(r.requests.map((q) => JSON.parse(q.body) as { id: string; type: string })).toMatchObject([{ id: eventId, type: "test.ping" }]);
    expect(other.requests).toHaveLength(0);
  });

  it("purges payloads and attempts older than the retention period, keeping queued work", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    await deliverBatch(database.db, options());
    await changeProject(database.db, projectId, author.serviceId); // stays pending
    // Both events name a porteur (the hash an erasure looks them up by).
    await database.db.update(events).set({ porteurEmailHash: "porteur-hash" }).where(eq(events.projectId, projectId));
    const later = new Date(Date.now() + 31 * 86_400_000);
    const purged = await purgeDeliveryHistory(database.db, { retentionDays: 30, now: later });
    expect(purged.bodies).toBeGreaterThanOrEqual(1);
    expect(purged.attempts).toBeGreaterThanOrEqual(1);
    const rows = await deliveriesTo(target.endpointId!);
    expect((await withDeliveryBodies(database.db, rows)).map((d) => [d.state, d.body === null])).toEqual([
      ["delivered", true],
      ["pending", false],
    ]);
    // The purged event loses the porteur's hash with its body; the queued one keeps both.
    const kept = await database.db.select({ body: events.body, hash: events.porteurEmailHash }).from(events).where(eq(events.projectId, projectId));
    expect(kept.map((e) => [e.body === null, e.hash]).sort()).toEqual([
      [false, "porteur-hash"],
      [true, null],
    ]);
    // A purged delivery cannot be replayed, and the refused replay writes nothing: no attempt
    // number taken, no attempt row, no audit entry.
    await expect(replayDelivery(database.db, { deliveryId: rows[0]!.id }, operator, options())).rejects.toMatchObject({ code: "conflict" });
    const [after] = await deliveriesTo(target.endpointId!);
    expect(after).toMatchObject({ state: "delivered", attemptCount: rows[0]!.attemptCount });
    expect(await attemptsOf(rows[0]!.id)).toHaveLength(0); // the one attempt was purged
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.action, "delivery.replay"));
    expect(audit.filter((a) => a.targetId === String(rows[0]!.id))).toHaveLength(0);
  });

  it("keeps a delivery in the queue until it settles, then writes it once to the log; a replay takes it back and out, id kept (issue #17)", async () => {
    const r = await receiver((_req, i) => ({ status: i === 0 ? 500 : 200 }));
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    const tableOf = async (id: number) => {
      const rows = rowsOf<{ t: string; state: string; n: number }>(
        await database.db.execute(sql`
          select 'queue' as t, state, 1 as n from delivery_queue where id = ${id}
          union all select 'log', state, 1 from delivery_log where id = ${id}`),
      );
      return rows.map((row) => `${row.t}:${row.state}`);
    };
    // The 500: a retry, still queued.
    expect(await deliverBatch(database.db, options({ scheduleMs: [0, 0] }))).toMatchObject({ claimed: 1, delivered: 0 });
    const [delivery] = await deliveriesTo(target.endpointId!);
    expect(await tableOf(delivery!.id)).toEqual(["queue:pending"]);
    // The 200: settled, in the log only, with its outcome.
    expect(await deliverBatch(database.db, options({ scheduleMs: [0, 0] }))).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await tableOf(delivery!.id)).toEqual(["log:delivered"]);
    const [logged] = await deliveriesTo(target.endpointId!);
    expect(logged).toMatchObject({ id: delivery!.id, attemptCount: 2, lastStatusCode: 200, leaseOwner: null });
    expect(logged!.deliveredAt).not.toBeNull();
    // An operator's replay: sent at once, and back in the log with a third attempt.
    expect(await replayDelivery(database.db, { deliveryId: delivery!.id }, operator, options())).toEqual({ deliveryId: delivery!.id, state: "delivered" });
    expect(await tableOf(delivery!.id)).toEqual(["log:delivered"]);
    expect((await attemptsOf(delivery!.id)).map((a) => [a.attemptNumber, a.statusCode, a.trigger])).toEqual([
      [1, 500, "auto"],
      [2, 200, "auto"],
      [3, 200, "manual"],
    ]);
    expect(r.requests).toHaveLength(3);
  });

  // Last: every test above went through the engine's paths (settles, retries, replays one by one and
  // in bulk, 410, purges of attempts): the dashboard's daily counts, kept by triggers, still agree
  // with the rows (migration 0036).
  it("keeps the daily counts of settled deliveries and attempts equal to their rows through every path above", async () => {
    expect(rowsOf(await database.db.execute(sql`select 1 from delivery_log`)).length).toBeGreaterThan(0);
    expect(rowsOf(await database.db.execute(sql`select 1 from delivery_attempts`)).length).toBeGreaterThan(0);
    expect(await dailyCountsDrift(database.db)).toEqual([]);
  });
});
