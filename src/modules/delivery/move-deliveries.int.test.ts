// Moving a delivery between the queue and the log (issue #17, "storage"): the log does not store the
// queue's own columns (next attempt, retry cycle, lease). The view shows a settled row with no lease
// and no retry cycle; a move back to the queue gives them a fresh delivery's values unless it sets
// them, and keeps every other column. On PostgreSQL and on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { deliveries } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { changeProject, seedProject, seedService } from "./testing/seed-receivers";
import { moveDeliveriesSql, requeuedForReplay } from "./move-deliveries";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const viewRow = async (id: number) => (await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
const columnsOf = async (table: string) =>
  rowsOf<{ column_name: string }>(
    await database.db.execute(sql`select column_name from information_schema.columns where table_name = ${table} order by column_name`),
  ).map((r) => r.column_name);

describe("moveDeliveriesSql", () => {
  it("settles a delivery into the log without its queue columns, and brings it back with fresh ones, the rest kept", async () => {
    const author = await seedService(database.db, "auteur-deplace");
    await seedService(database.db, "cible-deplace", "http://127.0.0.1:9/hook");
    await changeProject(database.db, await seedProject(database.db, author.serviceId, "Projet déplacé"), author.serviceId);
    const [queued] = rowsOf<{ id: string | number }>(await database.db.execute(sql`select id from delivery_queue`));
    const id = Number(queued!.id);
    // In flight on its fourth automatic attempt, its next one to be logged manual.
    await database.db.execute(sql`
      update delivery_queue set state = 'in_flight', attempt_count = 4, retry_step = 3, next_trigger = 'manual',
        lease_owner = 'w1', lease_expires_at = now() + interval '1 minute', next_attempt_at = now() - interval '1 hour',
        last_status_code = 503, last_error = 'HTTP 503'
      where id = ${id}`);
    const before = await viewRow(id);

    expect(() =>
      moveDeliveriesSql({ from: "delivery_queue", to: "delivery_log", where: sql`d.id = ${id}`, set: { lease_owner: sql`null` } }),
    ).toThrow(/delivery_log has no column lease_owner/);
    await database.db.execute(
      moveDeliveriesSql({ from: "delivery_queue", to: "delivery_log", where: sql`d.id = ${id}`, set: { state: sql`'failed'`, updated_at: sql`now()` } }),
    );
    expect(await columnsOf("delivery_log")).not.toContain("lease_owner");
    const settled = await viewRow(id);
    expect(settled).toMatchObject({
      state: "failed",
      attemptCount: 4,
      lastStatusCode: 503,
      lastError: "HTTP 503",
      retryStep: 0,
      nextTrigger: "auto",
      leaseOwner: null,
      leaseExpiresAt: null,
      eventId: before.eventId,
      receiverView: before.receiverView,
      createdAt: before.createdAt,
    });
    // A settled delivery has no next attempt: the view shows the time it settled.
    expect(settled.nextAttemptAt).toEqual(settled.updatedAt);

    await database.db.execute(moveDeliveriesSql({ from: "delivery_log", to: "delivery_queue", where: sql`d.id = ${id}` }));
    const [{ now }] = rowsOf<{ now: string }>(await database.db.execute(sql`select now()::text as now`)) as [{ now: string }];
    const back = await viewRow(id);
    expect(back).toMatchObject({ ...settled, nextAttemptAt: back.nextAttemptAt });
    expect(Math.abs(back.nextAttemptAt.getTime() - new Date(now).getTime())).toBeLessThan(60_000);
    expect(rowsOf(await database.db.execute(sql`select id from delivery_log where id = ${id}`))).toHaveLength(0);

    // A replay sets them.
    await database.db.execute(
      moveDeliveriesSql({ from: "delivery_queue", to: "delivery_log", where: sql`d.id = ${id}`, set: { state: sql`'failed'` } }),
    );
    await database.db.execute(moveDeliveriesSql({ from: "delivery_log", to: "delivery_queue", where: sql`d.id = ${id}`, set: requeuedForReplay }));
    expect(await viewRow(id)).toMatchObject({ state: "pending", nextTrigger: "manual", retryStep: 0, attemptCount: 4 });
  });
});
