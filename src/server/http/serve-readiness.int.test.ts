// GET /api/ready (issue #16): ready only when the database's applied migrations are this build's;
// 503 with a log line naming the gap otherwise; reports the worker's lag.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { committedMigrationCount } from "@/db/migrate";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import { appliedMigrationCount } from "@/modules/observability/check-readiness";
import { expandEvents } from "@/modules/outbox/expand-events";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { captureLogs } from "../logger";
import { serveReadiness } from "./serve-readiness";

let t: TestDatabase;
let mec: string;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec", { endpoint: true })).key;
  await keyFor(t.db, "tet", { endpoint: true });
});
afterAll(async () => {
  await t.destroy();
});

async function ready(expected?: number) {
  const lines: string[] = [];
  const release = captureLogs((line) => lines.push(line));
  try {
    const response = await serveReadiness(expected);
    return { status: response.status, body: await response.json(), logged: lines.map((l) => JSON.parse(l)) };
  } finally {
    release();
  }
}

describe("GET /api/ready", () => {
  it("is ready on a database migrated to this build, and reports the worker's lag", async () => {
    expect(await appliedMigrationCount(t.db)).toBe(committedMigrationCount());
    const idle = await ready();
    expect(idle).toMatchObject({ status: 200, body: { status: "ready", migrations: { applied: committedMigrationCount() }, workerLagSeconds: 0 }, logged: [] });

    const created = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "r-1", nom: "Piscine", statut: "Non démarré, intention", collectivites: [lyon] } });
    expect(created.status).toBe(201);
    // The change waits to be expanded into its deliveries (no worker here): its age is the lag, by
    // the database clock.
    await t.db.execute(sql`update events set created_at = now() - interval '10 minutes'`);
    expect((await ready()).body.workerLagSeconds).toBeGreaterThanOrEqual(600);
    // Expanded, the delivery to tet waits, queued when the change was written: still the lag.
    await expandEvents(t.db);
    const late = await ready();
    expect(late.status).toBe(200);
    expect(late.body.workerLagSeconds).toBeGreaterThanOrEqual(600);
    // A delivery held for a disabled endpoint waits on purpose: it is not worker lag.
    await t.db.execute(sql`update webhook_endpoints set enabled = false`);
    expect((await ready()).body.workerLagSeconds).toBe(0);
  });

  it("answers 503 with a clear log line when migrations are missing or the schema is newer", async () => {
    const applied = committedMigrationCount();
    const behind = await ready(applied + 1);
    expect(behind).toMatchObject({ status: 503, body: { status: "unavailable", reason: "migrations_pending", migrations: { applied, expected: applied + 1 } } });
    expect(behind.logged).toEqual([expect.objectContaining({ level: "error", msg: expect.stringContaining("db:migrate"), applied, expected: applied + 1 })]);
    const ahead = await ready(applied - 1);
    expect(ahead).toMatchObject({ status: 503, body: { reason: "schema_ahead" } });
    expect(ahead.logged).toHaveLength(1);
  });
});
