// kickDelivery's NOTIFY to the workers of other processes: coalesced to one running and one
// waiting (issue #17), and never before the last kick's commit. PostgreSQL only (PGlite has no
// other process to wake).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { useDatabase } from "@/db";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { createTestDatabase, onPostgres, type TestDatabase } from "@/test/test-database";
import { kickDelivery } from "./delivery-driver";

let handle: TestDatabase;

beforeAll(async () => {
  if (!onPostgres) return;
  handle = await createTestDatabase();
  useDatabase(handle);
});
afterAll(async () => handle?.destroy());

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe.runIf(onPostgres)("kickDelivery", () => {
  it("wakes other processes after the last kick, with fewer NOTIFYs than kicks", async () => {
    const listener = postgres(handle.url!, { max: 1, onnotice: () => {} });
    const received: number[] = [];
    try {
      await listener.listen(OUTBOX_CHANNEL, () => received.push(performance.now()));
      let lastKick = 0;
      for (let i = 0; i < 200; i++) {
        kickDelivery();
        lastKick = performance.now();
        await nextTurn();
      }
      for (let i = 0; i < 100 && !(received.length > 0 && received.at(-1)! >= lastKick); i++) await new Promise((r) => setTimeout(r, 20));
      expect(received.length).toBeGreaterThan(0);
      // A NOTIFY that reaches the listener after the last kick was sent after it.
      expect(received.at(-1)!).toBeGreaterThanOrEqual(lastKick);
      // One per event-loop turn would be 200; one running at a time sends far fewer.
      expect(received.length).toBeLessThan(150);
    } finally {
      await listener.end();
    }
  });
});
