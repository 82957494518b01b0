// The per-service request limit counted in the database (issue #16): two connection pools (two web
// instances on PostgreSQL; one handle on PGlite, which admits one process) share one count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf, type DatabaseHandle } from "@/db/client";
import { seedService } from "@/modules/delivery/testing/seed-receivers";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { countRequest, pruneRateWindows } from "./count-request";

let database: TestDatabase;
let second: DatabaseHandle | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.url) second = await openDatabase({ url: database.url, poolSize: 4 });
});
afterAll(async () => {
  await second?.close();
  await database.destroy();
});

describe("countRequest", () => {
  it("holds the limit over every instance at once, per service, and does not count refused requests", async () => {
    const mec = await seedService(database.db, "mec-limite");
    const tet = await seedService(database.db, "tet-limite");
    const instances = [database.db, second?.db ?? database.db];
    // 40 concurrent requests spread over both instances against 25 per minute.
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => countRequest(instances[i % 2]!, mec.serviceId, 25)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(25);
    for (const v of verdicts) if (!v.allowed) expect(v.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Refused requests took their count back.
    const [row] = rowsOf<{ n: number }>(await database.db.execute(sql`select sum(count)::int as n from api_rate_windows where service_id = ${mec.serviceId}`));
    expect(row!.n).toBe(25);
    // Another service has its own count.
    expect(await countRequest(database.db, tet.serviceId, 25)).toEqual({ allowed: true });
  });

  it("forgets minutes that no window reads any more", async () => {
    const svc = await seedService(database.db, "ancien-limite");
    await database.db.execute(sql`
      insert into api_rate_windows (service_id, window_start, count)
      values (${svc.serviceId}, date_trunc('minute', now()) - interval '5 minutes', 3)`);
    expect(await pruneRateWindows(database.db)).toBeGreaterThanOrEqual(1);
    // A full minute long ago does not limit now.
    expect(await countRequest(database.db, svc.serviceId, 1)).toEqual({ allowed: true });
  });
});
