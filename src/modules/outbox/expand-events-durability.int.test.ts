// The expansion commits without waiting for the WAL flush (expand-events.ts): lost in a crash, it is
// lost whole and done again. That holds for the drivers' own transaction only. A re-enable, a
// subscription or service change (update-service.ts, set-endpoint-enabled.ts) and the release of
// held changes expand in the caller's transaction: the caller's change (the switch an admin was told
// was saved, its audit entry, the released held rows) must keep the server's durability, not
// inherit `synchronous_commit = off` for the rest of its transaction (issue #17).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf, type Tx } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { keyFor } from "@/app/api/v1/testing/api-test-kit";
import { expandEventsIn } from "./expand-events";
import { releaseHeldChanges } from "./release-held-changes";

let t: TestDatabase;
let tetId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  await keyFor(t.db, "mec");
  tetId = (await keyFor(t.db, "tet", { endpoint: true })).serviceId;
});
afterAll(async () => {
  await t?.destroy();
});

async function synchronousCommit(tx: Tx): Promise<string> {
  const [row] = rowsOf<{ s: string }>(await tx.execute(sql`select current_setting('synchronous_commit') as s`));
  return row!.s;
}

describe("the expansion in a caller's transaction", () => {
  it("leaves the caller's commit as durable as it was (expandEventsIn)", async () => {
    await t.db.transaction(async (tx) => {
      const before = await synchronousCommit(tx);
      await expandEventsIn(tx);
      expect(await synchronousCommit(tx)).toBe(before);
    });
  });

  it("leaves a re-enable's commit as durable as it was (releaseHeldChanges, called by every re-enable)", async () => {
    await t.db.transaction(async (tx) => {
      const before = await synchronousCommit(tx);
      await releaseHeldChanges(tx, tetId);
      expect(await synchronousCommit(tx)).toBe(before);
    });
  });
});
