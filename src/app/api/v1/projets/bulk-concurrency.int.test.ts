// Concurrent imports without one lock per externalId (issue #15 item 4): one advisory lock per item
// filled PostgreSQL's shared lock table (max_locks_per_transaction × max_connections) under a few
// concurrent 1000-item bulks, SQLSTATE 53200 answered as 500. The unique index arbitrates now.
// PostgreSQL only: the embedded database runs one transaction at a time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { projectLinks, services } from "@/db/schema";
import { createTestDatabase, onPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as bulk from "./bulk/route";

let handle: TestDatabase;
let mec: string;

beforeAll(async () => {
  if (!onPostgres) return;
  handle = await createTestDatabase({ poolSize: 12 });
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  await keyFor(handle.db, "tet", { endpoint: true });
});
afterAll(async () => handle?.destroy());

const postBulk = (items: unknown[]) => call(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", key: mec, body: { projets: items } });
const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number | string }>(await handle.db.execute(query))[0]!.n);

describe.runIf(onPostgres)("POST /api/v1/projets/bulk, concurrent", () => {
  it("a bulk waiting inside its transaction holds no advisory lock", async () => {
    const held = (await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "adv-0", nom: "Tenu", collectivites: [lyon] } })).body.id;
    const other = postgres(handle.url!, { max: 1, onnotice: () => {} });
    try {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = other.begin(async (tx) => {
        await tx`select 1 from projects where id = ${held} for update`;
        locked();
        await released;
      });
      await isLocked;
      const done = postBulk([{ externalId: "adv-0", nom: "Tenu, modifié" }, ...Array.from({ length: 999 }, (_, i) => ({ externalId: `adv-${i + 1}`, nom: `N ${i}`, collectivites: [lyon] }))]);
      let waiting = 0;
      for (let i = 0; i < 500 && waiting === 0; i++) {
        waiting = await count(sql`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (waiting === 0) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waiting).toBe(1);
      const advisory = await count(sql`select count(*) as n from pg_locks l join pg_database d on d.oid = l.database
                                        where d.datname = current_database() and l.locktype = 'advisory'`);
      release();
      await holder;
      expect((await done).status).toBe(201);
      expect(advisory).toBe(0);
    } finally {
      await other.end();
    }
  });

  it("six concurrent 1000-item bulks with overlapping externalIds: no 5xx, one project per externalId", async () => {
    // Bulk b covers keys [200·b, 200·b + 1000): each key is in up to five bulks, in a different order per bulk.
    const bulks = Array.from({ length: 6 }, (_, b) => {
      const keys = Array.from({ length: 1000 }, (_, i) => `conc-${200 * b + i}`);
      if (b % 2 === 1) keys.reverse();
      return keys.map((externalId) => ({ externalId, nom: `Concurrent ${externalId}`, collectivites: [lyon] }));
    });
    const responses = await Promise.all(bulks.map((items) => postBulk(items)));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    const distinct = new Set(bulks.flat().map((i) => i.externalId));
    const [mecService] = await handle.db.select().from(services).where(eq(services.slug, "mec"));
    const links = await handle.db.select().from(projectLinks).where(eq(projectLinks.serviceId, mecService!.id));
    const concLinks = links.filter((l) => l.externalId.startsWith("conc-"));
    expect(concLinks).toHaveLength(distinct.size);
    // Every response names the same project for the same key, and exactly one response created it.
    const idOf = new Map(concLinks.map((l) => [l.externalId, l.projectId]));
    const createdBy = new Map<string, number>();
    responses.forEach((response, b) =>
      response.body.results.forEach((r: { id: string; created: boolean }, i: number) => {
        const key = bulks[b]![i]!.externalId;
        expect(r.id).toBe(idOf.get(key));
        if (r.created) createdBy.set(key, (createdBy.get(key) ?? 0) + 1);
      }),
    );
    expect(createdBy.size).toBe(distinct.size);
    expect([...createdBy.values()].every((n) => n === 1)).toBe(true);
    // One projet.cree per project (repeats of an identical item announce nothing).
    const cree = await count(sql`select count(*) as n from events where type = 'projet.cree' and project_id in
                                   (select project_id from project_links where external_id like 'conc-%')`);
    expect(cree).toBe(distinct.size);
  });
});
