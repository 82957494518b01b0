// The daily delivery series of the dashboard and of an agent's space (issues #11, #12): scoped to a
// service, it counts only that service's deliveries; days without deliveries are at zero.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { deliveries } from "@/db/schema";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { countDeliveriesPerDay } from "./count-deliveries-per-day";
import { setDeliveries } from "@/modules/delivery/testing/put-deliveries";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.destroy();
});

describe("countDeliveriesPerDay", () => {
  it("counts each day's deliveries by state, for every service or only the one asked, over the last days", async () => {
    const author = await seedService(t.db, "auteur-serie");
    const mine = await seedService(t.db, "mien-serie", "http://127.0.0.1:9/mien");
    await seedService(t.db, "autre-serie", "http://127.0.0.1:9/autre");
    const projectId = await seedProject(t.db, author.serviceId);
    for (let i = 0; i < 3; i++) await changeProject(t.db, projectId, author.serviceId);
    // One of mine delivered today, one failed three days ago (the others stay pending today).
    const own = await t.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.serviceId, mine.serviceId)).orderBy(deliveries.id);
    expect(own).toHaveLength(3);
    await setDeliveries(t.db, sql`d.id = ${own[0]!.id}`, { state: "delivered" });
    await setDeliveries(t.db, sql`d.id = ${own[1]!.id}`, { state: "failed", set: { created_at: sql`now() - interval '3 days'` } });

    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const threeDaysAgo = new Date(now.getTime() - 3 * 86_400_000).toISOString().slice(0, 10);
    const scoped = await countDeliveriesPerDay(t.db, { now, days: 14, serviceId: mine.serviceId });
    expect(scoped).toHaveLength(14);
    expect(scoped.at(-1)).toEqual({ day: today, pending: 1, in_flight: 0, delivered: 1, failed: 0 });
    expect(scoped.find((p) => p.day === threeDaysAgo)).toEqual({ day: threeDaysAgo, pending: 0, in_flight: 0, delivered: 0, failed: 1 });
    const scopedTotal = scoped.reduce((n, p) => n + p.pending + p.in_flight + p.delivered + p.failed, 0);
    expect(scopedTotal).toBe(3);

    const all = await countDeliveriesPerDay(t.db, { now, days: 14 });
    expect(all.reduce((n, p) => n + p.pending + p.in_flight + p.delivered + p.failed, 0)).toBe(6);
    // Older than the period: not counted.
    expect((await countDeliveriesPerDay(t.db, { now, days: 2, serviceId: mine.serviceId })).reduce((n, p) => n + p.failed, 0)).toBe(0);
  });
});
