// The delivery log filtered by creation time (issue #17): a range page walks a bounded number of ids
// below the cursor, then reads the range itself. Ids and creation times do not follow the same
// order (a writer takes `created_at` before its insert draws the id), so the fixture has rows whose
// id order and creation order disagree, near the range bounds and far from them: every page of
// every range must hold exactly the rows created in the range, highest id first, page after page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { deliveries, events, services, webhookEndpoints } from "@/db/schema";
import { listDeliveries, RANGE_WALK_IDS } from "./list-deliveries";
import { insertDeliveries } from "@/modules/delivery/testing/put-deliveries";

let database: TestDatabase;
let tetId: string;
const ROWS = 40;
// Minutes after T0 at which row i (in insert order, so in id order) was created: one a minute,
// but rows 3 and 4, 17 and 18, 25 and 26 swapped (neighbours committed out of order), row 38
// created at minute 12 (a long transaction, inserted last but one) and row 6 at minute 33 (a clock
// ahead of the others). T0 is 23:40 UTC: the rows span midnight, for the bare-date bounds.
const T0 = Date.parse("2026-03-01T23:40:00.000Z");
const minuteOf = (i: number) => ({ 3: 4, 4: 3, 17: 18, 18: 17, 25: 26, 26: 25, 38: 12, 6: 33 })[i] ?? i;
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

type Row = { id: number; createdAt: Date; serviceId: string; serviceKnown: boolean };
let rows: Row[] = [];
// Row 30 names a service that does not exist (deliveries have no foreign key to services): the log
// leaves it out, as its join with the services always did, and so must the read of a range.
const orphan = 30;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const all = await db.select().from(services);
  tetId = all.find((s) => s.slug === "tet")!.id;
  const mecId = all.find((s) => s.slug === "mec")!.id;
  const [tetEndpoint] = await db.insert(webhookEndpoints).values({ serviceId: tetId, url: "https://tet.example/hook", secret: "whsec_x" }).returning();
  const [mecEndpoint] = await db.insert(webhookEndpoints).values({ serviceId: mecId, url: "https://mec.example/hook", secret: "whsec_y" }).returning();
  for (let i = 0; i < ROWS; i++) {
    const eventId = `msg_range_${String(i).padStart(3, "0")}`;
    const toTet = i % 3 !== 0;
    await db.insert(events).values({ id: eventId, type: "projet.modifie" });
    const [row] = await insertDeliveries(db, [{
        eventId,
        endpointId: toTet ? tetEndpoint!.id : mecEndpoint!.id,
        serviceId: i === orphan ? "00000000-0000-4000-8000-000000000000" : toTet ? tetId : mecId,
        eventType: "projet.modifie",
        state: i % 4 === 0 ? "failed" : "delivered",
        createdAt: new Date(at(minuteOf(i))),
      }]);
    rows.push({ ...row!, serviceKnown: i !== orphan });
  }
  rows = rows.sort((a, b) => b.id - a.id);
});

afterAll(async () => {
  await database?.destroy();
});

/** Every page of the filter, in order: the ids of each page and whether a next cursor was given. */
async function walkPages(filter: { since?: string; until?: string; serviceId?: string }, limit: number, walkIds?: number) {
  const pages: number[][] = [];
  let cursor: number | undefined;
  do {
    const page = await listDeliveries(database.db, { ...filter, limit, cursor }, { walkIds });
    pages.push(page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
    if (pages.length > ROWS + 1) throw new Error("the pages do not end");
  } while (cursor);
  return pages;
}

/** The rows created in [since, until] (both inclusive), highest id first: what the log must show. */
function expected(since: number | null, until: number | null, serviceId?: string) {
  return rows
    .filter((r) => (since === null || r.createdAt.getTime() >= since) && (until === null || r.createdAt.getTime() <= until))
    .filter((r) => r.serviceKnown && (!serviceId || r.serviceId === serviceId))
    .map((r) => r.id);
}

const ranges: { name: string; since?: string; until?: string; from: number | null; to: number | null }[] = [
  // Minutes 10 to 14: rows 10–14 and row 38 (created at minute 12, with the second highest id).
  { name: "a window far from the newest rows", since: at(10), until: at(14), from: T0 + 10 * 60_000, to: T0 + 14 * 60_000 },
  // Bounds between swapped neighbours: minute 4 is row 3, minute 3 row 4.
  { name: "bounds between rows out of order", since: at(4), until: at(17), from: T0 + 4 * 60_000, to: T0 + 17 * 60_000 },
  // Minute 30 is the orphan's: left out.
  { name: "since only", since: at(30), from: T0 + 30 * 60_000, to: null },
  { name: "until only", until: at(5), from: null, to: T0 + 5 * 60_000 },
  // The bare dates of the console's fields: the whole of 1 March, UTC (until 23:59:59.999).
  { name: "a bare day", since: "2026-03-01", until: "2026-03-01", from: Date.parse("2026-03-01T00:00:00.000Z"), to: Date.parse("2026-03-01T23:59:59.999Z") },
  { name: "the next day", since: "2026-03-02", from: Date.parse("2026-03-02T00:00:00.000Z"), to: null },
  { name: "one instant (row 38 alone)", since: at(12), until: at(12), from: T0 + 12 * 60_000, to: T0 + 12 * 60_000 },
  { name: "an empty range", since: at(100), until: at(200), from: T0 + 100 * 60_000, to: T0 + 200 * 60_000 },
];

describe("listDeliveries over a creation-time range (issue #17)", () => {
  it("has a fixture where id order and creation order disagree", () => {
    const byCreation = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id).map((r) => r.id);
    expect(byCreation).not.toEqual(rows.map((r) => r.id));
    expect(expected(T0 + 10 * 60_000, T0 + 14 * 60_000)).toHaveLength(6);
  });

  for (const range of ranges) {
    it(`${range.name}: exactly the range's rows, highest id first, in keyset pages of every size`, async () => {
      const want = expected(range.from, range.to);
      // walkIds: 1 and 3 make almost every page read the range itself below a short walk; 7 and the
      // default (which covers the whole fixture) make the walk end most pages.
      for (const walkIds of [1, 3, 7, RANGE_WALK_IDS]) {
        for (const limit of [1, 2, 5, 50]) {
          const pages = await walkPages({ since: range.since, until: range.until }, limit, walkIds);
          expect(pages.flat(), `walkIds ${walkIds}, limit ${limit}`).toEqual(want);
          // Every page full but the last (a next cursor is given only when more rows follow).
          expect(pages.slice(0, -1).every((p) => p.length === limit), `walkIds ${walkIds}, limit ${limit}`).toBe(true);
          expect(pages.at(-1)!.length).toBe(want.length === 0 ? 0 : ((want.length - 1) % limit) + 1);
        }
      }
    });
  }

  it("combines the range with the other filters", async () => {
    for (const walkIds of [1, 4, RANGE_WALK_IDS]) {
      const pages = await walkPages({ since: at(5), until: at(20), serviceId: tetId }, 2, walkIds);
      expect(pages.flat()).toEqual(expected(T0 + 5 * 60_000, T0 + 20 * 60_000, tetId));
    }
  });

  it("starts a page at any cursor, inside or outside the range", async () => {
    // The second range also has the delivery without its service, which some cursors put first
    // among the ids the last read of a page finds (the read must go on below it).
    for (const [since, from] of [[at(10), T0 + 10 * 60_000], [at(30), T0 + 30 * 60_000]] as const) {
      const until = since === at(10) ? at(14) : undefined;
      const want = expected(from, until ? T0 + 14 * 60_000 : null);
      for (const cursor of [rows[0]!.id + 1, ...rows.map((r) => r.id)]) {
        for (const walkIds of [1, 5]) {
          for (const limit of [3, 5]) {
            const page = await listDeliveries(database.db, { since, until, limit, cursor }, { walkIds });
            const below = want.filter((id) => id < cursor);
            expect(page.items.map((d) => d.id), `cursor ${cursor}, walkIds ${walkIds}, limit ${limit}`).toEqual(below.slice(0, limit));
            expect(page.nextCursor).toBe(below.length > limit ? below[limit - 1] : null);
          }
        }
      }
    }
  });
});
