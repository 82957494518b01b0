// `npm run communs -- deliveries:replay` (CONTRACT §5), through the command table the CLI runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import { deliveries } from "@/db/schema";
import { runCommand } from "@/cli/commands";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { changeProject, seedProject, seedService } from "./testing/seed-receivers";
import { setDeliveries } from "./testing/put-deliveries";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

describe("deliveries:replay", () => {
  it("puts the failed deliveries of one service, within the range, back in the queue", async () => {
    const author = await seedService(database.db, "auteur");
    const target = await seedService(database.db, "cible", "http://127.0.0.1:3249/webhooks");
    const bystander = await seedService(database.db, "tiers", "http://127.0.0.1:3248/webhooks");
    const projectId = await seedProject(database.db, author.serviceId);
    await changeProject(database.db, projectId, author.serviceId);
    await changeProject(database.db, projectId, author.serviceId);
    await setDeliveries(database.db, sql`true`, { state: "failed" });
    const [old] = await database.db.select().from(deliveries).where(eq(deliveries.serviceId, target.serviceId)).orderBy(asc(deliveries.id));
    await setDeliveries(database.db, sql`d.id = ${old!.id}`, { set: { created_at: sql`'2026-01-01T00:00:00Z'::timestamptz` } });

    expect(await runCommand(database.db, "deliveries:replay", { service: "cible", since: "2026-02-01" })).toEqual({ replayed: 1 });
    expect(await runCommand(database.db, "deliveries:replay", { service: "cible", until: "2026-01-02T00:00:00Z" })).toEqual({ replayed: 1 });
    expect(await runCommand(database.db, "deliveries:replay", { service: "cible" })).toEqual({ replayed: 0 });
    const rows = await database.db.select().from(deliveries).orderBy(asc(deliveries.id));
    expect(rows.filter((d) => d.serviceId === target.serviceId).map((d) => [d.state, d.nextTrigger, d.retryStep])).toEqual([
      ["pending", "manual", 0],
      ["pending", "manual", 0],
    ]);
    const untouched = rows.filter((d) => d.serviceId === bystander.serviceId);
    expect(untouched.length).toBeGreaterThan(0);
    expect(untouched.every((d) => d.state === "failed")).toBe(true);
  });

  it("refuses an unknown service and a malformed date", async () => {
    await expect(runCommand(database.db, "deliveries:replay", { service: "inconnu" })).rejects.toMatchObject({ code: "not_found" });
    await expect(runCommand(database.db, "deliveries:replay", { service: "cible", since: "hier" })).rejects.toMatchObject({
      code: "validation_failed",
    });
  });
});
