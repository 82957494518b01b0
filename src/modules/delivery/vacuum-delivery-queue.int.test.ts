// The queues' upkeep (issue #17): once their deliveries have settled and their changes have been
// expanded, a vacuum gives back the space their versions took, on PostgreSQL and on PGlite (which
// has no autovacuum).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { changeProject, seedProject, seedService } from "./testing/seed-receivers";
import { setDeliveries } from "./testing/put-deliveries";
import { vacuumDeliveryQueue } from "./vacuum-delivery-queue";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  // PostgreSQL's autovacuum could take a table first (SKIP_LOCKED then skips it) or hold back its
  // dead rows with its snapshot: the sizes checked here are this module's vacuum alone.
  await database.db.execute(sql`alter table delivery_queue set (autovacuum_enabled = off)`);
  await database.db.execute(sql`alter table event_fanouts set (autovacuum_enabled = off)`);
});
afterAll(async () => {
  await database.destroy();
});

const tableBytes = async (table: "delivery_queue" | "event_fanouts") =>
  Number(rowsOf<{ n: string | number }>(await database.db.execute(sql`select pg_relation_size(${table}::regclass) as n`))[0]!.n);
const queueBytes = () => tableBytes("delivery_queue");

describe("vacuumDeliveryQueue", () => {
  it("gives back the pages of the deliveries and expansion rows that left the queues, and keeps those still queued", async () => {
    const author = await seedService(database.db, "auteur-vide");
    await seedService(database.db, "cible-vide", "http://127.0.0.1:9/hook");
    for (let i = 0; i < 40; i++) await changeProject(database.db, await seedProject(database.db, author.serviceId, `Projet ${i}`), author.serviceId);
    // Leased then settled, as the worker would: two versions, then deleted.
    await setDeliveries(database.db, sql`true`, { state: "in_flight", set: { lease_owner: sql`'w'` } });
    const full = await queueBytes();
    expect(full).toBeGreaterThan(0);
    await setDeliveries(database.db, sql`d.project_id is not null`, { state: "delivered" });
    expect(await queueBytes()).toBe(full);

    // Every change's expansion row, inserted by its write and deleted by its expansion (changeProject
    // expands, as a driver does), left its version behind as well.
    expect(rowsOf(await database.db.execute(sql`select seq from event_fanouts`))).toHaveLength(0);
    expect(await tableBytes("event_fanouts")).toBeGreaterThan(0);

    await vacuumDeliveryQueue(database.db);
    expect(await queueBytes()).toBe(0);
    expect(await tableBytes("event_fanouts")).toBe(0);
    // What is still queued stays.
    await changeProject(database.db, await seedProject(database.db, author.serviceId, "Projet tardif"), author.serviceId);
    await vacuumDeliveryQueue(database.db);
    expect(rowsOf(await database.db.execute(sql`select id from delivery_queue`))).toHaveLength(1);
  });
});
