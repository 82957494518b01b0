// The resync traversal and a transaction of ANOTHER database of the same PostgreSQL server
// (convergence seed 20261129, 2026-11-30): transaction ids and snapshots are server-wide, so the
// horizon `pg_snapshot_xmin(pg_current_snapshot())` stopped at a transaction that another
// database's client (a benchmark's hub, killed later with its transaction still open) held for three
// minutes. Every page came back empty with a non-null cursor (5000 pages, 0 items), and the service
// that erased a person, which learns what its erasure changed by a resync (the hub never sends a
// service its own changes), never saw the new version. A transaction of another database can never
// write this database's projects: the horizon must not wait for it. One of this database still holds
// it (the late-commit guard). The held transaction ends as a killed client's does: its backend is
// terminated (pg_terminate_backend).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as effacement from "../utilisateurs/effacement/route";

let handle: TestDatabase;
let mec: string;
let recoco: string;

beforeAll(async () => {
  handle = await createTestDatabase({ poolSize: 10 });
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  recoco = (await keyFor(handle.db, "recoco", { endpoint: true })).key;
});
afterAll(async () => handle?.destroy());

type Item = { id: string; version: number; porteur: unknown };
type Page = { status: number; body: { items: Item[]; nextCursor: string | null } };

const post = (key: string, body: unknown) => call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body });
const list = (key: string, query: string): Promise<Page> => call(projets.GET, { path: `/api/v1/projets?${query}`, key }) as Promise<Page>;

async function dbNow(): Promise<string> {
  const [row] = rowsOf<{ at: string }>(await handle.db.execute(sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`));
  return row!.at;
}

/** Follows the cursor for at most `maxPages` pages (as the convergence checker's eraser does); throws when it does not end. */
async function traverse(key: string, since: string, maxPages = 50): Promise<Item[]> {
  const seen: Item[] = [];
  let page = await list(key, `updatedSince=${encodeURIComponent(since)}&limit=10`);
  for (let n = 1; ; n++) {
    expect(page.status).toBe(200);
    seen.push(...page.body.items);
    if (!page.body.nextCursor) return seen;
    if (n >= maxPages) throw new Error(`traversal not at its end after ${maxPages} pages (${seen.length} items)`);
    page = await list(key, `limit=10&cursor=${page.body.nextCursor}`);
  }
}

const otherDatabase = "GET /api/v1/projets with a transaction open in another database of the server (two databases)";

describe.skipIf(skipWithoutPostgres(otherDatabase))(otherDatabase, () => {
  let elsewhere: postgres.Sql;
  let heldPid: number | null = null;
  let reserved: postgres.ReservedSql | null = null;

  beforeAll(() => {
    // The server's maintenance database: another database than the hub's, on the same server.
    const url = new URL(handle.url!);
    url.pathname = "/postgres";
    elsewhere = postgres(url.toString(), { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    // The client that held it is "killed": its backend goes, its transaction rolls back.
    if (heldPid !== null) await handle.db.execute(sql`select pg_terminate_backend(${heldPid}::int)`);
    reserved?.release();
    heldPid = null;
    reserved = null;
  });
  afterAll(async () => elsewhere?.end({ timeout: 1 }));

  /** Opens a transaction in the other database with a transaction id, older than everything that follows; resolves when it holds it. */
  async function holdTransactionElsewhere(): Promise<void> {
    // A reserved connection with a plain BEGIN (no callback left waiting when its backend goes).
    const connection = await elsewhere.reserve();
    reserved = connection;
    await connection`begin`;
    const [held] = await connection`select pg_backend_pid() as pid, pg_current_xact_id()::text as xid`;
    heldPid = held!.pid as number;
    const [row] = rowsOf<{ running: boolean }>(
      await handle.db.execute(sql`select not pg_visible_in_snapshot(${held!.xid as string}::xid8, pg_current_snapshot()) as running`),
    );
    // The premise: this database's snapshots see that transaction as running.
    expect(row!.running).toBe(true);
  }

  it("the traversal returns what changed since and ends (it used to return empty pages with a cursor)", async () => {
    const before = (await post(mec, { externalId: "other-db-before", nom: "Avant", collectivites: [lyon] })).body.id as string;
    expect((await list(recoco, "limit=1")).status).toBe(200); // a mark that sees `before`
    await holdTransactionElsewhere();
    const t = await dbNow();
    const created = await post(mec, { externalId: "other-db-1", nom: "Pendant", collectivites: [lyon] });
    expect(created.status).toBe(201);

    const seen = await traverse(recoco, t);
    expect(seen.map((p) => `${p.id}@${p.version}`)).toEqual([`${created.body.id}@1`]);
    expect(seen.map((p) => p.id)).not.toContain(before);
  });

  it("the service that erased a person finds its erasure's new versions by a resync", async () => {
    const email = "porteuse.autre-base@commune-exemple.fr";
    const porteur = { email, nom: "Autrebase", prenom: "Camille", telephone: "0600000001", fonction: "Cheffe de projet" };
    const created = await post(recoco, { externalId: "erase-other-db", nom: "Porté", collectivites: [lyon], porteur });
    expect(created.status).toBe(201);
    await holdTransactionElsewhere();
    const since = await dbNow();
    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: recoco, body: { email } });
    expect(erased.status).toBe(200);
    expect(erased.body.projetsModifies).toBe(1);

    const seen = await traverse(recoco, since);
    const mine = seen.filter((p) => p.id === created.body.id);
    expect(mine.map((p) => p.version)).toEqual([2]);
    expect(mine[0]!.porteur).toBeNull();
  });

  it("a transaction of this database still holds the traversal until it ends (late-commit guard)", async () => {
    const a = (await post(mec, { externalId: "same-db-a", nom: "A", collectivites: [lyon] })).body.id as string;
    expect((await list(recoco, "limit=1")).status).toBe(200);
    await holdTransactionElsewhere(); // and one elsewhere at the same time, older than the writer
    const t = await dbNow();
    const here = postgres(handle.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const isWritten = new Promise<void>((r) => (written = r));
    const writer = here.begin(async (tx) => {
      await tx`update projects set nom = 'A2', version = version + 1, txid = pg_current_xact_id()::text::bigint,
                 updated_at = date_trunc('milliseconds', clock_timestamp()) where id = ${a}`;
      written();
      await released;
    });
    try {
      await isWritten;
      const b = (await post(mec, { externalId: "same-db-b", nom: "B", collectivites: [lyon] })).body.id as string;
      const first = await list(recoco, `updatedSince=${encodeURIComponent(t)}&limit=10`);
      expect(first.body.items).toEqual([]);
      expect(first.body.nextCursor).not.toBeNull();
      release();
      await writer;
      const rest: Item[] = [];
      let page = first;
      for (let n = 0; page.body.nextCursor && n < 50; n++) {
        page = await list(recoco, `limit=10&cursor=${page.body.nextCursor}`);
        rest.push(...page.body.items);
      }
      expect(page.body.nextCursor).toBeNull();
      expect(rest.map((p) => `${p.id}@${p.version}`).sort()).toEqual([`${a}@2`, `${b}@1`].sort());
    } finally {
      release();
      await writer.catch(() => {});
      await here.end();
    }
  });
});
