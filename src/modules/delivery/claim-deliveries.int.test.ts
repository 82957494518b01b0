// The claim statement on its own (issue #17: the leases are read once per claim and the batch is
// leased in a second statement): the per-endpoint cap over every owner, the lane rule, and leases
// that expired taken back while others still run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { deliveries, deliveryAttempts, webhookEndpoints } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { claimDeliveries } from "./claim-deliveries";
import { changeProject, seedProject, seedService } from "./testing/seed-receivers";
import { setDeliveries } from "./testing/put-deliveries";

let database: TestDatabase;
let slugCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

/** An author and `receivers` receiving endpoints; earlier tests' endpoints are disabled first. */
async function setUp(receivers: number) {
  await database.db.update(webhookEndpoints).set({ enabled: false });
  slugCounter++;
  const author = await seedService(database.db, `auteur-claim-${slugCounter}`);
  const targets = [];
  for (let i = 0; i < receivers; i++) targets.push(await seedService(database.db, `cible-claim-${slugCounter}-${i}`, "http://127.0.0.1:9/hook"));
  return { author, targets };
}

const claim = (owner: string, limit: number, cap?: number, leaseMs = 60_000) =>
  claimDeliveries(database.db, { owner, limit, leaseMs, maxInFlightPerEndpoint: cap });

describe("claimDeliveries", () => {
  it("keeps every endpoint under its cap, counting the leases of every owner", async () => {
    const { author, targets } = await setUp(2);
    for (let i = 0; i < 5; i++) await changeProject(database.db, await seedProject(database.db, author.serviceId, `Projet ${i}`), author.serviceId);
    const byEndpoint = (rows: { endpointId: string }[], endpointId: string | null) => rows.filter((d) => d.endpointId === endpointId).length;
    const a = await claim("a", 2, 3);
    expect(a).toHaveLength(2);
    // 10 due (5 per endpoint), 2 leased by a: b may take 3 under the cap of one endpoint and fill
    // the other's, whichever a took.
    const b = await claim("b", 10, 3);
    for (const t of targets) expect(byEndpoint(a, t.endpointId) + byEndpoint(b, t.endpointId)).toBe(3);
    expect(await claim("c", 10, 3)).toHaveLength(0);
    // Without a cap, the rest is taken.
    expect(await claim("c", 10)).toHaveLength(4);
  });

  it("takes a lane's head only while nothing of its lane is in flight", async () => {
    const { author, targets } = await setUp(1);
    const projectId = await seedProject(database.db, author.serviceId);
    await changeProject(database.db, projectId, author.serviceId);
    await changeProject(database.db, projectId, author.serviceId);
    const [first] = await claim("a", 10, 10);
    expect(first).toBeDefined();
    expect(await claim("b", 10, 10)).toHaveLength(0);
    // The head settled: the next version goes.
    await setDeliveries(database.db, sql`d.id = ${first!.id}`, { state: "delivered", set: { lease_owner: sql`null`, lease_expires_at: sql`null` } });
    const next = await claim("b", 10, 10);
    expect(next.map((d) => d.id)).toEqual([first!.id + 1]);
    expect(next[0]!.endpointId).toBe(targets[0]!.endpointId);
    // A replayed old delivery whose lane has a later one in flight waits for it.
    await setDeliveries(database.db, sql`d.id = ${first!.id}`, { state: "pending", set: { next_attempt_at: sql`now()` } });
    expect(await claim("c", 10, 10)).toHaveLength(0);
  });

  it("takes back only the leases that expired, logged as lost, and counts them under the cap", async () => {
    const { author } = await setUp(1);
    for (let i = 0; i < 3; i++) await changeProject(database.db, await seedProject(database.db, author.serviceId, `Projet ${i}`), author.serviceId);
    const [expiring] = await claim("crashed", 1, 2, 300);
    const [running] = await claim("alive", 1, 2);
    expect(expiring).toBeDefined();
    expect(running).toBeDefined();
    await new Promise((r) => setTimeout(r, 400));
    // The cap is full (2 leases, one expired): the expired one is taken over, the third stays queued.
    const taken = await claim("heir", 10, 2);
    expect(taken.map((d) => [d.id, d.lostLease])).toEqual([[expiring!.id, true]]);
    expect(taken[0]!.attemptNumber).toBe(2);
    const attempts = await database.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, expiring!.id));
    expect(attempts.map((x) => [x.attemptNumber, x.errorClass])).toEqual([[1, "lost"]]);
    const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, running!.id));
    expect(row).toMatchObject({ state: "in_flight", leaseOwner: "alive" });
  });

});
