// The PostgreSQL driver prepares drizzle's statements (one round trip and no re-planning per call),
// unless DATABASE_PREPARED_STATEMENTS=false (a pooler that cannot keep them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf, type DatabaseHandle } from "./client";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => database?.destroy());

/** Whether the connection that ran a parametrised query keeps it as a named statement. */
async function keptPrepared(handle: DatabaseHandle): Promise<boolean> {
  return handle.db.transaction(async (tx) => {
    await tx.execute(sql`select ${42}::int as probe_answer`);
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where statement like '%probe_answer%'`),
    );
    return row!.n > 0;
  });
}

describe.skipIf(skipWithoutPostgres("openDatabase (PostgreSQL driver): prepared statements"))("openDatabase (PostgreSQL driver)", () => {
  it("prepares parametrised statements by default", async () => {
    expect(await keptPrepared(database)).toBe(true);
  });

  it("sends them unprepared with preparedStatements: false", async () => {
    const unprepared = await openDatabase({ url: database.url!, poolSize: 1, preparedStatements: false });
    try {
      expect(await keptPrepared(unprepared)).toBe(false);
    } finally {
      await unprepared.close();
    }
  });
});
