// After a retention purge, the embedded database's drivers vacuum what it purged (PGlite has no
// autovacuum, issue #17): the space of the purged rows is given back, on PGlite and PostgreSQL alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { setDeliveries } from "@/modules/delivery/testing/put-deliveries";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { runRetentionPurge } from "./run-retention-purge";
import { vacuumPurgedTables } from "./vacuum-purged-tables";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  // PostgreSQL's autovacuum could take a table first (SKIP_LOCKED then skips it) or hold back its
  // dead rows with its snapshot: the sizes checked here are this module's vacuum alone.
  await database.db.execute(sql`alter table events set (autovacuum_enabled = off)`);
  await database.db.execute(sql`alter table delivery_log set (autovacuum_enabled = off)`);
  await database.db.execute(sql`alter table delivery_attempts set (autovacuum_enabled = off)`);
});
afterAll(async () => {
  await database.destroy();
});

const tableBytes = async (table: string) =>
  Number(rowsOf<{ n: string | number }>(await database.db.execute(sql`select pg_relation_size(${table}::regclass) as n`))[0]!.n);

const RETENTION = { webhookDays: 30, eventDays: 90, auditDays: 365 };

describe("vacuumPurgedTables", () => {
  it("vacuums nothing when the purge removed nothing", async () => {
    const summary = await runRetentionPurge(database.db, RETENTION);
    expect(await vacuumPurgedTables(database.db, summary)).toEqual([]);
  });

  it("gives back the pages of the events, deliveries and attempts a purge removed", async () => {
    const author = await seedService(database.db, "auteur-vacuum");
    await seedService(database.db, "cible-vacuum", "http://127.0.0.1:9/hook");
    for (let p = 0; p < 4; p++) {
      const projectId = await seedProject(database.db, author.serviceId, `Projet ${p}`);
      for (let i = 0; i < 10; i++) await changeProject(database.db, projectId, author.serviceId);
    }
    // Everything delivered 100 days ago: past the 90 days of event retention.
    await database.db.execute(sql`update events set created_at = now() - interval '100 days'`);
    await setDeliveries(database.db, sql`true`, {
      state: "delivered",
      set: { created_at: sql`now() - interval '100 days'`, updated_at: sql`now() - interval '100 days'` },
    });
    await database.db.execute(sql`
      insert into delivery_attempts (delivery_id, attempt_number, trigger, started_at, status_code)
      select id, 1, 'auto', now() - interval '100 days', 200 from delivery_log`);

    const summary = await runRetentionPurge(database.db, RETENTION);
    expect(summary.events).toBeGreaterThanOrEqual(40);
    expect(rowsOf(await database.db.execute(sql`select id from events`))).toHaveLength(0);
    // Deleted, but their pages are still there: nothing has made them reusable.
    expect(await tableBytes("events")).toBeGreaterThan(0);
    expect(await tableBytes("delivery_log")).toBeGreaterThan(0);

    const vacuumed = await vacuumPurgedTables(database.db, summary);
    expect(vacuumed).toEqual(expect.arrayContaining(["delivery_attempts", "delivery_log", "events"]));
    // Every row is gone, so the vacuum also returned the emptied pages at the end of each file.
    expect(await tableBytes("events")).toBe(0);
    expect(await tableBytes("delivery_log")).toBe(0);
    expect(await tableBytes("delivery_attempts")).toBe(0);
  });
});
