// The console's read models on real data: keyset pages of the delivery log (no gap, no repeat),
// filters, and the dashboard's figures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { deliveries, deliveryAttempts, events, services, webhookEndpoints, type DeliveryState } from "@/db/schema";
import { listDeliveries } from "./list-deliveries";
import { getDashboardStats } from "./get-dashboard-stats";
import { listServiceMappings } from "./list-service-mappings";
import { insertDeliveries, setDeliveries } from "@/modules/delivery/testing/put-deliveries";

let database: TestDatabase;
let tetId: string;
let mecId: string;
const states: DeliveryState[] = ["delivered", "failed", "pending", "delivered", "failed", "delivered", "in_flight"];

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const rows = await db.select().from(services);
  tetId = rows.find((s) => s.slug === "tet")!.id;
  mecId = rows.find((s) => s.slug === "mec")!.id;
  const [tetEndpoint] = await db.insert(webhookEndpoints).values({ serviceId: tetId, url: "https://tet.example/hook", secret: "whsec_x" }).returning();
  const [mecEndpoint] = await db.insert(webhookEndpoints).values({ serviceId: mecId, url: "https://mec.example/hook", secret: "whsec_y" }).returning();
  for (let i = 0; i < 25; i++) {
    const eventId = `msg_test_${String(i).padStart(3, "0")}`;
    await db.insert(events).values({ id: eventId, type: i % 5 === 0 ? "test.ping" : "projet.modifie" });
    const toTet = i % 2 === 0;
    await insertDeliveries(db, [{
      eventId,
      endpointId: toTet ? tetEndpoint!.id : mecEndpoint!.id,
      serviceId: toTet ? tetId : mecId,
      eventType: i % 5 === 0 ? "test.ping" : "projet.modifie",
      state: states[i % states.length]!,
    }]);
  }
});

afterAll(async () => {
  await database?.destroy();
});

describe("listDeliveries", () => {
  it("walks every delivery once, newest first, page after page", async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await listDeliveries(database.db, { limit: 10, cursor });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it("filters by service, state and event type together", async () => {
    const page = await listDeliveries(database.db, { serviceId: tetId, state: "failed", limit: 50 });
    const expected = (await database.db.select().from(deliveries).where(eq(deliveries.serviceId, tetId))).filter((d) => d.state === "failed");
    expect(expected.length).toBeGreaterThan(0);
    expect(page.items.map((d) => d.id).sort()).toEqual(expected.map((d) => d.id).sort());
    expect(page.items.every((d) => d.serviceSlug === "tet")).toBe(true);
    const pings = await listDeliveries(database.db, { eventType: "test.ping", limit: 50 });
    expect(pings.items).toHaveLength(5);
    const future = await listDeliveries(database.db, { since: "2999-01-01", limit: 50 });
    expect(future.items).toHaveLength(0);
  });
});

describe("getDashboardStats", () => {
  it("counts per state, success rate, backlog and per-service health", async () => {
    const stats = await getDashboardStats(database.db);
    const count = (s: DeliveryState) => Array.from({ length: 25 }, (_, i) => states[i % states.length]).filter((x) => x === s).length;
    expect(stats.byState).toEqual({ delivered: count("delivered"), failed: count("failed"), pending: count("pending"), in_flight: count("in_flight") });
    expect(stats.total).toBe(25);
    expect(stats.backlog).toBe(count("pending") + count("in_flight"));
    expect(stats.successRate).toBeNull(); // no attempt yet in the fixture
    const today = stats.series[stats.series.length - 1]!;
    expect(today.delivered + today.failed + today.pending + today.in_flight).toBe(25);
    const bySlug = Object.fromEntries(stats.services.map((s) => [s.slug, s.health]));
    // Both receivers have failed deliveries in the fixture, but their endpoints do not fail now.
    expect(bySlug.tet).toBe("degrade");
    expect(bySlug.mec).toBe("degrade");
    expect(bySlug.recoco).toBe("sans_webhook");
    const waiting = (await database.db.select().from(deliveries).where(eq(deliveries.serviceId, tetId))).filter((d) => d.state === "pending" || d.state === "in_flight");
    const tet = stats.services.find((s) => s.slug === "tet")!;
    expect(tet.oldestWaitingAt?.getTime()).toBe(Math.min(...waiting.map((d) => d.createdAt.getTime())));
    expect(stats.services.find((s) => s.slug === "recoco")!.oldestWaitingAt).toBeNull();
  });

  it("rates success over attempts (a delivery waiting for its retry counts its failures) and lists failing endpoints first (issue #11)", async () => {
    const db = database.db;
    const pending = (await db.select().from(deliveries).where(eq(deliveries.serviceId, mecId))).find((d) => d.state === "pending")!;
    await setDeliveries(db, sql`d.id = ${pending.id}`, { set: { attempt_count: sql`10` } });
    const startedAt = new Date();
    await db.insert(deliveryAttempts).values([
      ...Array.from({ length: 10 }, (_, i) => ({ deliveryId: pending.id, attemptNumber: i + 1, trigger: "auto" as const, startedAt, statusCode: 500, errorClass: "http" })),
      ...Array.from({ length: 5 }, (_, i) => ({ deliveryId: pending.id + 1000 + i, attemptNumber: 1, trigger: "auto" as const, startedAt, statusCode: 204 })),
      { deliveryId: 9999, attemptNumber: 1, trigger: "auto" as const, startedAt, statusCode: null, errorClass: "timeout" },
    ]);
    await db.update(webhookEndpoints).set({ consecutiveFailures: 10, failingSince: startedAt }).where(eq(webhookEndpoints.serviceId, mecId));
    const stats = await getDashboardStats(db);
    expect(stats.attempts).toEqual({ total: 16, succeeded: 5 });
    expect(stats.successRate).toBeCloseTo(5 / 16);
    expect(stats.retrying).toBe(1);
    expect(stats.services[0]).toMatchObject({ slug: "mec", health: "en_echec", needsAttention: true, retrying: 1 });
    expect(stats.services[0]!.endpoint!.failingSince?.getTime()).toBe(startedAt.getTime());
    expect(stats.services.filter((s) => s.needsAttention).map((s) => s.slug)).toEqual(["mec"]);
  });
});

describe("listServiceMappings", () => {
  it("reports the generic statuses without a default label", async () => {
    const aides = (await database.db.select().from(services).where(eq(services.slug, "aides-territoires")))[0]!;
    const result = await listServiceMappings(database.db, aides.id);
    expect(result.missingDefaults.sort()).toEqual(["ABANDONNE", "FAISABILITE", "IMPACTE"]);
    const tet = await listServiceMappings(database.db, tetId);
    expect(tet.missingDefaults).toEqual([]);
  });
});
