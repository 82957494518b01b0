// Migrations 0033–0035 (issue #17) on a database that already holds deliveries: each one moves to
// the table of its state with its id, and ids given afterwards follow the largest one; then the log
// stops storing the queue's own columns, its rows still read through the view. Runs the committed
// SQL files themselves, in order, on an in-memory PGlite.
import { readFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "./client";

const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { idx: number; tag: string }[] };

/** Applies the migrations `from`..`to` in one transaction, as drizzle's migrator does. */
async function apply(db: PGlite, from: number, to: number) {
  await db.exec("begin");
  for (const { tag } of journal.entries.filter((e) => e.idx >= from && e.idx <= to)) {
    const text = readFileSync(path.join(migrationsFolder, `${tag}.sql`), "utf8");
    for (const statement of text.split("--> statement-breakpoint")) if (statement.trim()) await db.exec(statement);
  }
  await db.exec("commit");
}

const db = new PGlite();
afterAll(() => db.close());

describe("migration to the delivery queue and log", () => {
  it("moves pending and in-flight deliveries to the queue, settled ones to the log, ids kept, the sequence after the largest", async () => {
    await apply(db, 0, 32);
    const ep = "00000000-0000-4000-8000-000000000001";
    const sv = "00000000-0000-4000-8000-000000000002";
    await db.exec(`
      insert into deliveries (event_id, endpoint_id, service_id, event_type, state, attempt_count, lease_owner) values
        ('msg_1', '${ep}', '${sv}', 'projet.cree', 'delivered', 1, null),
        ('msg_2', '${ep}', '${sv}', 'projet.cree', 'failed', 7, null),
        ('msg_3', '${ep}', '${sv}', 'projet.cree', 'pending', 2, null),
        ('msg_4', '${ep}', '${sv}', 'projet.cree', 'in_flight', 1, 'worker:a')`);
    const before = (await db.query<{ id: number; event_id: string }>(`select id::int, event_id from deliveries order by id`)).rows;

    await apply(db, 33, 34);

    const queue = (await db.query<{ id: number; event_id: string; state: string; lease_owner: string | null }>(
      `select id::int, event_id, state, lease_owner from delivery_queue order by id`,
    )).rows;
    const log = (await db.query<{ id: number; event_id: string; state: string; attempt_count: number }>(
      `select id::int, event_id, state, attempt_count from delivery_log order by id`,
    )).rows;
    const idOf = (eventId: string) => before.find((r) => r.event_id === eventId)!.id;
    expect(queue).toEqual([
      { id: idOf("msg_3"), event_id: "msg_3", state: "pending", lease_owner: null },
      { id: idOf("msg_4"), event_id: "msg_4", state: "in_flight", lease_owner: "worker:a" },
    ]);
    expect(log).toEqual([
      { id: idOf("msg_1"), event_id: "msg_1", state: "delivered", attempt_count: 1 },
      { id: idOf("msg_2"), event_id: "msg_2", state: "failed", attempt_count: 7 },
    ]);
    // The view reads both: every delivery once.
    const all = (await db.query<{ id: number }>(`select id::int from deliveries order by id`)).rows.map((r) => r.id);
    expect(all).toEqual(before.map((r) => r.id));
    // The next delivery gets an id none had.
    const [next] = (await db.query<{ id: number }>(
      `insert into delivery_queue (event_id, endpoint_id, service_id, event_type) values ('msg_5', '${ep}', '${sv}', 'projet.cree') returning id::int`,
    )).rows;
    expect(next!.id).toBe(Math.max(...before.map((r) => r.id)) + 1);

    // 0035: the log without the queue's columns; its rows read through the view as settled ones.
    await apply(db, 35, 35);
    const settled = (await db.query<{ id: number; state: string; attempt_count: number; retry_step: number; next_trigger: string; lease_owner: string | null; same_time: boolean }>(
      `select id::int, state, attempt_count, retry_step, next_trigger, lease_owner, next_attempt_at = updated_at as same_time
       from deliveries where state in ('delivered', 'failed') order by id`,
    )).rows;
    expect(settled).toEqual([
      { id: idOf("msg_1"), state: "delivered", attempt_count: 1, retry_step: 0, next_trigger: "auto", lease_owner: null, same_time: true },
      { id: idOf("msg_2"), state: "failed", attempt_count: 7, retry_step: 0, next_trigger: "auto", lease_owner: null, same_time: true },
    ]);
    const logColumns = (await db.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'delivery_log' and column_name in ('retry_step', 'next_trigger', 'next_attempt_at', 'lease_owner', 'lease_expires_at')`,
    )).rows;
    expect(logColumns).toEqual([]);
    expect((await db.query(`select id from deliveries`)).rows).toHaveLength(5);
  });
});
