// Crash safety and concurrent workers on PostgreSQL (PGlite has a single connection: neither
// SKIP LOCKED contention nor a second process can be exercised there).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { inArray, sql } from "drizzle-orm";
import { projects } from "@/db/schema";
import { enqueueEvents } from "@/modules/outbox/enqueue-event";
import { rowsOf, openDatabase } from "@/db/client";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { newWorkerId } from "@/modules/delivery/delivery-options";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { startDeliveryLoop } from "@/modules/delivery/run-delivery-loop";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { seedService } from "@/modules/delivery/testing/seed-receivers";

let database: TestDatabase;
let receiver: LoopbackReceiver;
const children: ChildProcess[] = [];

type Received = { id: string; project: string; version: number };
const parse = (body: string): Received => {
  const b = JSON.parse(body) as { id: string; data: { projet: { id: string; version: number } } };
  return { id: b.id, project: b.data.projet.id, version: b.data.projet.version };
};

/**
 * `count` projects by a service without an endpoint, each changed `versions` times, queued through
 * the outbox's real write (enqueueEvents, one version of every project per statement): events
 * queued for expansion, which the workers expand into one lane per project to every enabled
 * endpoint, deliveries in version order.
 */
async function queue(prefix: string, count: number, versions: number) {
  const author = await seedService(database.db, `auteur-${prefix}`);
  const ids = (
    await database.db
      .insert(projects)
      .values(Array.from({ length: count }, (_, i) => ({ nom: `Projet ${prefix} ${i}`, collectivites: [{ type: "Commune" as const, code: "01001" }], createdByServiceId: author.serviceId })))
      .returning({ id: projects.id })
  ).map((p) => p.id);
  for (let version = 1; version <= versions; version++) {
    await database.db.transaction(async (tx) => {
      await tx.update(projects).set({ version }).where(inArray(projects.id, ids));
      await enqueueEvents(
        tx,
        ids.map((id) => ({
          type: "projet.modifie" as const,
          projectId: id,
          projectVersion: version,
          authorServiceId: author.serviceId,
          changements: ["nom"],
          data: { projet: { id, version }, changements: ["nom"] },
        })),
      );
    });
  }
}

async function states() {
  return rowsOf<{ state: string; n: number }>(await database.db.execute(sql`select state, count(*)::int as n from deliveries group by state`));
}

/** Work left: events waiting for expansion, and deliveries not delivered. */
async function outstanding() {
  const [row] = rowsOf<{ n: number }>(
    await database.db.execute(sql`select ((select count(*) from event_fanouts) + (select count(*) from deliveries where state <> 'delivered'))::int as n`),
  );
  return row!.n;
}

function startWorkerProcess(leaseMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts"), "--lease-ms", String(leaseMs)], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: database.url!, LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
  });
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Per lane, versions arrive in non-decreasing order (a redelivery repeats the last one at most). */
function outOfOrder(received: Received[]): number {
  const last = new Map<string, number>();
  let bad = 0;
  for (const r of received) {
    if ((last.get(r.project) ?? 0) > r.version) bad++;
    last.set(r.project, Math.max(last.get(r.project) ?? 0, r.version));
  }
  return bad;
}

const concurrentWorkers = "startDeliveryLoop: concurrent workers on PostgreSQL (PGlite: one connection, no second process)";
describe.skipIf(skipWithoutPostgres(concurrentWorkers))(concurrentWorkers, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startLoopbackReceiver();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await receiver?.close();
    await closeDeliveryPools();
    await database?.destroy();
  });

  it("two workers at once never send the same attempt twice", async () => {
    await seedService(database.db, "cible-a", receiver.url);
    await queue("a", 200, 10);
    // Nothing expanded yet: the two workers expand (one at a time, under the expansion lock) and deliver.
    expect(await states()).toEqual([]);
    expect(await outstanding()).toBe(2000);
    const second = await openDatabase({ url: database.url!, poolSize: 4 });
    const loops = [database.db, second.db].map((db) =>
      startDeliveryLoop(db, { ...deliveryOptionsFromEnv({ owner: newWorkerId("test"), batchSize: 32 }), maxInFlight: 64, maxInFlightPerEndpoint: 64, pollMs: 50 }),
    );
    await until(async () => (await outstanding()) === 0, "all expanded and delivered");
    expect(await states()).toEqual([{ state: "delivered", n: 2000 }]);
    await Promise.all(loops.map((l) => l.stop()));
    await second.close();
    const received = receiver.requests.map((q) => parse(q.body));
    expect(new Set(received.map((r) => r.id)).size).toBe(2000);
    expect(outOfOrder(received)).toBe(0);
    // No attempt was made by both workers: each attempt number of a delivery was taken once, each
    // delivery succeeded once, and a message reached the receiver more than once only when an
    // attempt of it failed (a timeout on this loaded machine: at-least-once).
    const [attempts] = rowsOf<{ n: number; distinct_attempts: number; succeeded: number; distinct_succeeded: number; failed: number }>(
      await database.db.execute(sql`
        select count(*)::int as n,
               count(distinct (delivery_id, attempt_number))::int as distinct_attempts,
               (count(*) filter (where status_code between 200 and 299))::int as succeeded,
               (count(distinct delivery_id) filter (where status_code between 200 and 299))::int as distinct_succeeded,
               (count(*) filter (where status_code is null or status_code not between 200 and 299))::int as failed
        from delivery_attempts`),
    );
    expect(attempts!.distinct_attempts).toBe(attempts!.n);
    expect(attempts).toMatchObject({ succeeded: 2000, distinct_succeeded: 2000 });
    expect(received.length - 2000).toBeLessThanOrEqual(attempts!.failed);
  });

  it("a worker killed with SIGKILL mid-run loses nothing: a restarted worker delivers the rest, in order", async () => {
    await database.db.execute(sql`update webhook_endpoints set enabled = false`);
    receiver.requests.length = 0;
    await seedService(database.db, "cible-b", receiver.url);
    const total = 3000;
    await queue("b", 300, 10);
    const leaseMs = 3000;
    const first = await startWorkerProcess(leaseMs);
    await until(() => receiver.requests.length >= total / 3, "a third delivered");
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atCrash = receiver.requests.length;
    expect(atCrash).toBeLessThan(total);

    const restarted = await startWorkerProcess(leaseMs);
    await until(async () => (await outstanding()) === 0, "all expanded and delivered after restart");
    restarted.kill("SIGTERM");
    await new Promise((r) => restarted.once("exit", r));

    const received = receiver.requests.map((q) => parse(q.body));
    const ids = new Set(received.map((r) => r.id));
    expect(ids.size).toBe(total);
    // Duplicates only from the crash's in-flight window (the killed worker's claims, ≤ 256).
    const duplicates = received.length - ids.size;
    expect(duplicates).toBeLessThanOrEqual(256);
    expect(outOfOrder(received)).toBe(0);
    const [lost] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from delivery_attempts where error_class = 'lost'`));
    expect(lost!.n).toBeGreaterThanOrEqual(duplicates);
  });
});
