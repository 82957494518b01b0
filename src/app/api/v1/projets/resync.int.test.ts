// GET /api/v1/projets as a resync traversal (CONTRACT §8, issue #15 item 2): commit-safe order by
// transaction position, `updatedAt` from the database's write clock (the same in rows and webhook
// bodies), a version never returned twice, pages bounded by the index at any depth.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { useDatabase } from "@/db";
import { openDatabase, rowsOf } from "@/db/client";
import { prefixedSql } from "@/db/prepared-sql";
import { events, projects } from "@/db/schema";
import { pageStatement } from "@/modules/projects/list-projets";
import { readerViewParameter } from "@/modules/projects/render-projet-json";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { createTestDatabase, onPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as bulk from "./bulk/route";
import * as projet from "./[id]/route";

let handle: TestDatabase;
let mec: string;
let tet: string;
let recoco: string;

beforeAll(async () => {
  handle = await createTestDatabase({ poolSize: 10 });
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  tet = (await keyFor(handle.db, "tet", { endpoint: true })).key;
  recoco = (await keyFor(handle.db, "recoco", { endpoint: true })).key;
});
afterAll(async () => handle?.destroy());

type Item = { id: string; version: number; updatedAt: string; createdAt: string };
type Page = { status: number; body: { items: Item[]; nextCursor: string | null } };

const post = (key: string, body: unknown) => call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body });
const postBulk = (key: string, items: unknown[]) => call(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", key, body: { projets: items } });
const patch = (key: string, id: string, body: unknown) => call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key, params: { id }, body });
const list = (query: string): Promise<Page> => call(projets.GET, { path: `/api/v1/projets?${query}`, key: recoco }) as Promise<Page>;

/** The database's clock (not this process's). */
async function dbNow(): Promise<string> {
  const [row] = rowsOf<{ at: string }>(await handle.db.execute(sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`));
  return row!.at;
}

/**
 * Follows `nextCursor` from `first` to the end; `between(n)` runs after page n. Empty pages with a
 * cursor (a transaction still running below the horizon) are retried after a pause.
 */
async function traverse(first: Page, between?: (page: number, items: Item[]) => Promise<void>): Promise<Item[]> {
  const seen: Item[] = [];
  let page = first;
  for (let n = 1; ; n++) {
    expect(page.status).toBe(200);
    seen.push(...page.body.items);
    if (between) await between(n, page.body.items);
    const cursor = page.body.nextCursor;
    if (!cursor) return seen;
    if (n > 500) throw new Error("traversal did not end");
    if (page.body.items.length === 0) await new Promise((r) => setTimeout(r, 20));
    page = await list(`limit=10&cursor=${cursor}`);
  }
}

/** The JSON text of the plan node whose "Node Type" starts at `at` in `text` (its braces balanced). */
function sortedInput(text: string, at: number): string {
  const start = text.lastIndexOf("{", at);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

function expectNoVersionTwice(seen: Item[]) {
  const keys = seen.map((p) => `${p.id}@${p.version}`);
  expect(keys.length).toBe(new Set(keys).size);
}

describe("GET /api/v1/projets (resync)", () => {
  it("updatedAt is the database's write time, the same in the row, GET and the webhook body", async () => {
    const before = await dbNow();
    const created = await post(mec, { externalId: "clock-1", nom: "Horloge", collectivites: [lyon] });
    const changed = await patch(mec, created.body.id, { programme: "PVD" });
    expect(changed.status).toBe(200);
    const [row] = await handle.db.select().from(projects).where(eq(projects.id, created.body.id));
    const seen = (await call(projet.GET, { path: `/api/v1/projets/${created.body.id}`, key: mec, params: { id: created.body.id } })).body;
    expect(seen.updatedAt).toBe(row!.updatedAt.toISOString());
    expect(seen.updatedAt >= before.slice(0, 23)).toBe(true);
    const bodies = await handle.db.select({ version: events.projectVersion, body: events.body }).from(events).where(eq(events.projectId, created.body.id));
    const byVersion = new Map(bodies.map((b) => [b.version, JSON.parse(b.body!).data.projet]));
    // The creation: createdAt = updatedAt = the write time of version 1, as GET showed it then.
    expect(byVersion.get(1).createdAt).toBe(seen.createdAt);
    expect(byVersion.get(1).updatedAt).toBe(seen.createdAt);
    expect(byVersion.get(2).createdAt).toBe(seen.createdAt);
    expect(byVersion.get(2).updatedAt).toBe(seen.updatedAt);
    expect(seen.createdAt >= before.slice(0, 23)).toBe(true);
  });

  it("a project changed during the traversal is returned again after its change; no version twice", async () => {
    // A first page records a mark: updatedSince=start then starts after the projects made before.
    expect((await list("limit=1")).status).toBe(200);
    const start = await dbNow();
    const made = await postBulk(mec, Array.from({ length: 30 }, (_, i) => ({ externalId: `walk-${i}`, nom: `Parcours ${i}`, collectivites: [lyon] })));
    const ids: string[] = made.body.results.map((r: { id: string }) => r.id);
    // The bulk's rows share one transaction: the traversal takes them in id order.
    const lastInOrder = [...ids].sort().at(-1)!;
    let changedEarly: string | undefined;
    let late: string | undefined;
    const seen = await traverse(await list(`updatedSince=${start}&limit=10`), async (_n, items) => {
      // The first page with items: a page is empty while an older transaction runs anywhere in the
      // cluster (the horizon is the cluster's), as on a PostgreSQL server shared with other work.
      if (changedEarly || items.length === 0) return;
      // One already returned, one not reached yet, and a new one.
      changedEarly = items[0]!.id;
      expect((await patch(mec, changedEarly, { programme: "après" })).body.version).toBe(2);
      expect((await patch(mec, lastInOrder, { programme: "avant" })).body.version).toBe(2);
      late = (await post(tet, { externalId: "walk-late", nom: "Tard", collectivites: [lyon] })).body.id;
    });
    expectNoVersionTwice(seen);
    const versions = (id: string) => seen.filter((p) => p.id === id).map((p) => p.version);
    expect(versions(changedEarly!)).toEqual([1, 2]);
    expect(versions(lastInOrder)).toEqual([2]);
    expect(versions(late!)).toEqual([1]);
    for (const id of ids) expect(versions(id).length).toBeGreaterThan(0);
  });

  it("an earlier cursor format is refused with a clear 400", async () => {
    const old = Buffer.from("2026-11-20T10:00:00.000000Z|0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", "utf8").toString("base64url");
    const response = await list(`cursor=${old}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain("curseur");
    // Forged cursors are refused the same way, never a failed cast in the database (500).
    const uuid = "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11";
    const forgeries = [
      `2|5|${uuid}|`, // the former (txid, id) format: it lacks the traversal's mark
      `3|99999999999999999999|${uuid}|`,
      `3|9223372036854775808|${uuid}|`,
      `3|1|${"-".repeat(36)}|`,
      `3|1|${uuid}|x`,
      `3|1|${uuid}|10:12:`, // a snapshot: the cursor names its mark by time
      `3|1|${uuid}|2026-13-45T99:99:99.000000Z`,
      `3|1|${uuid}|2026-11-29T10:00:00Z`,
    ];
    for (const forged of forgeries) {
      expect((await list(`cursor=${Buffer.from(forged, "utf8").toString("base64url")}`)).status).toBe(400);
    }
  });

  it("a traversal from before 1970 keeps its filter from page to page", async () => {
    const first = await list("updatedSince=1960-01-01T00:00:00Z&limit=1");
    expect(first.status).toBe(200);
    const second = await list(`limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
  });

  it("a page is bounded by the (txid, id) index at any depth, not filtered", async () => {
    await postBulk(tet, Array.from({ length: 1000 }, (_, i) => ({ externalId: `depth-${i}`, nom: `Profondeur ${i}`, collectivites: [lyon] })));
    await handle.db.execute(sql`analyze projects`);
    const [middle] = rowsOf<{ txid: string; id: string }>(
      await handle.db.execute(sql`select txid::text as txid, id from projects order by txid, id offset 500 limit 1`),
    );
    const start = { txid: "-1", id: "00000000-0000-0000-0000-000000000000" };
    // As GET runs it (each row rendered to JSON by the same statement) and the index walk alone.
    const [service] = rowsOf<{ id: string }>(await handle.db.execute(sql`select id from services where slug = 'tet'`));
    const render = { readerServiceId: service!.id, view: readerViewParameter(await loadStatusCatalog(handle.db), service!.id) };
    for (const [position, withRender] of [start, middle!].flatMap((p) => [[p, undefined], [p, render]] as const)) {
      const plan = rowsOf<Record<string, unknown>>(await handle.db.execute(prefixedSql("explain (format json) ", pageStatement(position, null, null, 100, withRender))));
      // The rendering of each row (a correlated subquery: its own small sorts and scans of the links)
      // aside; the probe after the page, a subquery too, reads `projects` and stays.
      const text = JSON.stringify(plan, (_key, value) =>
        value && typeof value === "object" && value["Parent Relationship"] === "SubPlan" && !JSON.stringify(value).includes('"Relation Name":"projects"')
          ? { "Parent Relationship": "SubPlan" }
          : value,
      );
      expect(text).toContain('"Index Name":"projects_resync_idx"');
      const conditions = [...text.matchAll(/"Index Cond":"([^"]*)"/g)].map((m) => m[1]!).filter((c) => c.includes("txid"));
      // The page: both ends of the walk are index conditions, nothing before the cursor is read.
      expect(conditions.some((c) => /ROW\(p?\.?txid, p?\.?id\) >/.test(c) && /txid < /.test(c))).toBe(true);
      // The probe for a row after the page: one lower bound, the page's last row or the horizon (two
      // bounds on txid were not merged: the walk started at the cursor, or the table was scanned).
      const probe = /^\(?ROW\(p?\.?txid, p?\.?id\) > ROW\(CASE WHEN .+ END, CASE WHEN .+ END\)\)?$/;
      expect(conditions.some((c) => probe.test(c))).toBe(true);
      // No sort of the walk: its order is the index's (the links of the page are sorted, apart).
      const sorts = [...text.matchAll(/"Node Type":"Sort"/g)].map((m) => sortedInput(text, m.index!));
      expect(sorts.filter((input) => input.includes('"Relation Name":"projects"'))).toEqual([]);
      // Nor a scan of the table (the page's links may be read either way: a small table in a test).
      expect([...text.matchAll(/"Node Type":"Seq Scan"[^{}]*/g)].filter((m) => m[0].includes('"Relation Name":"projects"'))).toEqual([]);
    }
  });
});

describe.runIf(onPostgres)("GET /api/v1/projets (resync) page statement, prepared", () => {
  it("keeps one generic plan for every position after its first runs (no planning per page)", async () => {
    // Enough projects, analyzed, for a position's value to change the estimates (with limit 1: a
    // plan for the values of the start reads 1 row, a plan for any value a guessed 10% of a third).
    await postBulk(tet, Array.from({ length: 1000 }, (_, i) => ({ externalId: `generic-${i}`, nom: `Générique ${i}`, collectivites: [lyon] })));
    await handle.db.execute(sql`analyze projects`);
    // One connection, as a pooled one of the hub: the statement is prepared there (client.ts).
    const single = await openDatabase({ url: handle.url!, poolSize: 1 });
    try {
      const [service] = rowsOf<{ id: string }>(await single.db.execute(sql`select id from services where slug = 'tet'`));
      const render = { readerServiceId: service!.id, view: readerViewParameter(await loadStatusCatalog(single.db), service!.id) };
      const positions = rowsOf<{ txid: string; id: string }>(await single.db.execute(sql`select txid::text as txid, id from projects order by txid, id limit 8`));
      expect(positions.length).toBe(8);
      for (const position of positions) await single.db.execute(pageStatement(position, null, null, 1, render));
      const [plans] = rowsOf<{ generic: number | string; custom: number | string }>(
        await single.db.execute(sql`select sum(generic_plans) as generic, sum(custom_plans) as custom from pg_prepared_statements where statement like '%horizon as materialized%'`),
      );
      // PostgreSQL plans the first five runs for their values, then keeps the generic plan when the
      // values did not make the plans cheaper (list-projets.ts reads them through scalar subqueries).
      expect(Number(plans!.custom)).toBe(5);
      expect(Number(plans!.generic)).toBe(3);
    } finally {
      await single.close();
    }
  });
});

describe.runIf(onPostgres)("GET /api/v1/projets (resync) with concurrent writers, two connections", () => {
  let other: postgres.Sql;
  beforeAll(() => {
    other = postgres(handle.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => other?.end());

  /** Waits until a backend of this database waits for a lock. */
  async function untilBlocked() {
    for (let i = 0; i < 500; i++) {
      const [row] = rowsOf<{ n: number | string }>(
        await handle.db.execute(sql`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`),
      );
      if (Number(row!.n) > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("no backend waiting for a lock");
  }

  it("a 1000-item bulk that commits after a later single write is not skipped (issue #15 item 2)", async () => {
    const held = (await post(mec, { externalId: "late-held", nom: "Tenu", collectivites: [lyon] })).body.id as string;
    const t0 = await dbNow();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // Another connection holds the row of one project of the bulk: the bulk waits inside its transaction.
    const holder = other.begin(async (tx) => {
      await tx`select 1 from projects where id = ${held} for update`;
      locked();
      await released;
    });
    await isLocked;
    const items = [
      { externalId: "late-held", nom: "Tenu, modifié" },
      ...Array.from({ length: 999 }, (_, i) => ({ externalId: `late-${i}`, nom: `Tardif ${i}`, collectivites: [lyon] })),
    ];
    const bulkDone = postBulk(mec, items);
    await untilBlocked();
    await new Promise((r) => setTimeout(r, 300));
    const single = await post(tet, { externalId: "late-single", nom: "Seul", collectivites: [lyon] });
    expect(single.status).toBe(201);
    const first = await list(`updatedSince=${t0}&limit=1`);
    release();
    await holder;
    const done = await bulkDone;
    expect(done.status).toBe(201);

    const seen = await traverse(first);
    expectNoVersionTwice(seen);
    const returned = new Map(seen.map((p) => [`${p.id}@${p.version}`, p]));
    for (const r of done.body.results as { id: string; version: number }[]) expect(returned.has(`${r.id}@${r.version}`)).toBe(true);
    expect(returned.has(`${single.body.id}@1`)).toBe(true);
  });

  it("updatedSince=T returns a change whose statement ran before T and whose transaction commits after T", async () => {
    const before = (await post(mec, { externalId: "straddle-before", nom: "Avant", collectivites: [lyon] })).body.id as string;
    const a = (await post(mec, { externalId: "straddle-a", nom: "A", collectivites: [lyon] })).body.id as string;
    // A first page records a mark: it sees both projects above, committed.
    expect((await list("limit=1")).status).toBe(200);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const isWritten = new Promise<void>((r) => (written = r));
    // The hub's write path: the row gets the statement's time, the commit comes later.
    const writer = other.begin(async (tx) => {
      await tx`update projects set nom = 'A2', version = version + 1, txid = pg_current_xact_id()::text::bigint,
                 updated_at = date_trunc('milliseconds', clock_timestamp()) where id = ${a}`;
      written();
      await released;
    });
    await isWritten;
    await new Promise((r) => setTimeout(r, 5));
    const t = await dbNow();
    await new Promise((r) => setTimeout(r, 5));
    release();
    await writer;
    const [row] = await handle.db.select().from(projects).where(eq(projects.id, a));
    expect(row!.updatedAt.toISOString() < t).toBe(true);

    const seen = await traverse(await list(`updatedSince=${t}&limit=10`));
    const keys = seen.map((p) => `${p.id}@${p.version}`);
    expect(keys).toContain(`${a}@2`);
    // What committed before the latest mark at or before T is not returned again.
    expect(seen.map((p) => p.id)).not.toContain(before);
  });

  it("a transaction still running below the horizon keeps nextCursor until it commits", async () => {
    const a = (await post(mec, { externalId: "horizon-a", nom: "A", collectivites: [lyon] })).body.id as string;
    // A mark after a's commit, so that updatedSince=t1 starts after it.
    expect((await list("limit=1")).status).toBe(200);
    const t1 = await dbNow();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const isWritten = new Promise<void>((r) => (written = r));
    // A writer (as the hub's write path does) that has not committed yet.
    const writer = other.begin(async (tx) => {
      await tx`update projects set nom = 'A2', version = version + 1, txid = pg_current_xact_id()::text::bigint,
                 updated_at = date_trunc('milliseconds', clock_timestamp()) where id = ${a}`;
      written();
      await released;
    });
    await isWritten;
    const b = (await post(tet, { externalId: "horizon-b", nom: "B", collectivites: [lyon] })).body.id as string;
    const first = await list(`updatedSince=${t1}&limit=10`);
    expect(first.body.items).toEqual([]);
    expect(first.body.nextCursor).not.toBeNull();
    const again = await list(`limit=10&cursor=${first.body.nextCursor}`);
    expect(again.body.items).toEqual([]);
    expect(again.body.nextCursor).not.toBeNull();
    release();
    await writer;
    const seen = await traverse(again);
    expect(seen.map((p) => `${p.id}@${p.version}`).sort()).toEqual([`${a}@2`, `${b}@1`].sort());
  });
});
