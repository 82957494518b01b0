// The dashboard's daily counts (migration 0036) are rows that every settle updates: a statement that
// changes no count must not lock them. An erasure clears response excerpts on attempts of every day,
// today's included, and holds its transaction open while it writes its events: had it locked today's
// count, every settle of every worker would have waited for it (review of migration 0036).
// PostgreSQL only: two connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { rowsOf } from "@/db/client";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { dailyCountsDrift } from "./testing/daily-counts-drift";

const skip = skipWithoutPostgres("daily counts: an update that changes no count locks none");
let database: TestDatabase;
beforeAll(async () => {
  if (!skip) database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

describe.skipIf(skip)("daily counts kept by triggers", () => {
  it("lets an attempt be counted while another transaction clears excerpts of today's attempts", async () => {
    const insertAttempt = (status: number) =>
      sql`insert into delivery_attempts (delivery_id, attempt_number, trigger, started_at, status_code, response_excerpt)
          values (1, 1, 'auto', now(), ${status}, 'réponse')`;
    await database.db.execute(insertAttempt(200));
    const other = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await database.db.transaction(async (tx) => {
        // What an erasure does to the attempts that echoed a porteur (scrub-porteur-from-bodies.ts).
        await tx.execute(sql`update delivery_attempts set response_excerpt = null`);
        // Meanwhile a worker records an attempt of today: it must not wait for the erasure.
        await other.begin(async (t) => {
          await t.unsafe("set local lock_timeout = '2s'");
          await t.unsafe(`insert into delivery_attempts (delivery_id, attempt_number, trigger, started_at, status_code)
                          values (2, 1, 'auto', now(), 503)`);
        });
      });
    } finally {
      await other.end();
    }
    const [counts] = rowsOf<{ attempts: number; succeeded: number }>(
      await database.db.execute(sql`select attempts::int, succeeded::int from delivery_attempt_daily_counts`),
    );
    expect(counts).toEqual({ attempts: 2, succeeded: 1 });
    // An update that does change a count still counts.
    await database.db.execute(sql`update delivery_attempts set status_code = 200, error_class = null where delivery_id = 2`);
    expect(await dailyCountsDrift(database.db)).toEqual([]);
  });
});
