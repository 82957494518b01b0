// A PostgreSQL backend that goes away in the middle of a transaction (restart, failover,
// pg_terminate_backend, idle-in-transaction timeout) must cost that transaction only. postgres.js
// 3.4.9 does worse (patches/postgres+3.4.9.patch, found by the fault suite): an uncaught TypeError
// from a write scheduled on the dead socket, the pooled connection then stuck until its connect
// timeout (10 s of 503s after PostgreSQL was back), the next query failing with the dead backend's
// error, and the rest of the transaction running on the next socket, outside any transaction.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf, type DatabaseHandle } from "./client";
import { createTestDatabase, onPostgres, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";

let admin: TestDatabase;
let pool: DatabaseHandle;
const escaped: unknown[] = [];
const onEscaped = (error: unknown) => escaped.push(error);

beforeAll(async () => {
  if (!onPostgres) return;
  admin = await createTestDatabase({ poolSize: 2 });
  await admin.db.execute(sql`create table lost_connection_probe (label text not null)`);
  // One connection: the one that loses its backend is the one every later query reuses.
  pool = await openDatabase({ url: admin.url!, poolSize: 1 });
});
afterAll(async () => {
  await pool?.close();
  await admin?.destroy();
});
afterEach(() => {
  process.off("uncaughtException", onEscaped);
  process.off("unhandledRejection", onEscaped);
});

/** Runs a transaction whose backend is terminated while it sleeps; returns how it ended. */
async function transactionLosingItsBackend(label: string): Promise<unknown> {
  let pid: number | null = null;
  const transaction = pool.db
    .transaction(async (tx) => {
      const [row] = rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`));
      pid = row!.pid;
      // A caller that swallows the failure and goes on: what follows must not be written anywhere.
      await tx.execute(sql`select pg_sleep(5)`).catch(() => {});
      await tx.execute(sql`insert into lost_connection_probe (label) values (${label})`);
    })
    .then(
      () => "committed",
      (error: unknown) => error,
    );
  while (pid === null) await new Promise((resolve) => setTimeout(resolve, 10));
  await admin.db.execute(sql`select pg_terminate_backend(${pid}::int)`);
  return transaction;
}

describe.skipIf(skipWithoutPostgres("openDatabase (PostgreSQL driver) when a backend is terminated mid-transaction"))("openDatabase (PostgreSQL driver) when a backend is terminated mid-transaction", () => {
  it("fails that transaction only, writes nothing of it, and the pool's next queries succeed", async () => {
    process.on("uncaughtException", onEscaped);
    process.on("unhandledRejection", onEscaped);
    for (const round of [1, 2, 3]) {
      const outcome = await transactionLosingItsBackend(`round-${round}`);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as { code?: string }).code).toMatch(/^(CONNECTION_CLOSED|57P01)$/);

      const answers = await Promise.all([1, 2, 3].map((n) => pool.db.execute(sql`select ${n}::int as n`)));
      expect(answers.map((r) => rowsOf<{ n: number }>(r)[0]!.n)).toEqual([1, 2, 3]);
    }
    const written = rowsOf<{ n: number }>(await admin.db.execute(sql`select count(*)::int as n from lost_connection_probe`));
    expect(written[0]!.n).toBe(0);
    // Let a write scheduled on the dead socket (setImmediate) run before looking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(escaped.map(String)).toEqual([]);
  }, 60_000);
});
