// POST /projets and /bulk write items that may all be new without looking their links up first
// (issue #17, upsert-projets.ts): the unique index on (service, externalId) refuses the creation
// statement when a link exists, and the call falls back to the update path. These cases use links
// that this process never saw being written (linked by PUT /projets/{id}/external-id, as another
// web instance or a restart would leave them), so that the optimistic attempt is made and refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { events, projectLinks, projects } from "@/db/schema";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as bulk from "./bulk/route";
import * as externalId from "./[id]/external-id/route";

let handle: TestDatabase;
let mec: string;
let tet: string;
let mecId: string;

beforeAll(async () => {
  handle = await createTestDatabase({ poolSize: 12 });
  useDatabase(handle);
  ({ key: mec, serviceId: mecId } = await keyFor(handle.db, "mec", { endpoint: true }));
  tet = (await keyFor(handle.db, "tet", { endpoint: true })).key;
});
afterAll(async () => handle?.destroy());

const post = (key: string, body: unknown, user?: string) => call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body, user });
const postBulk = (key: string, items: unknown[], user?: string) =>
  call(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", key, body: { projets: items }, user });
const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number | string }>(await handle.db.execute(query))[0]!.n);

/** A project created by tet, then linked by mec to `key` through PUT /external-id (never through a POST by mec). */
async function linkedByMec(key: string): Promise<{ id: string; version: number }> {
  const created = await post(tet, { externalId: `tet-${key}`, nom: `Projet ${key}`, collectivites: [lyon] });
  expect(created.status).toBe(201);
  const linked = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${created.body.id}/external-id`, key: mec, params: { id: created.body.id }, body: { externalId: key } });
  expect(linked.status).toBe(200);
  return linked.body;
}

const mecLinks = (keys: string[]) =>
  handle.db.select().from(projectLinks).where(and(eq(projectLinks.serviceId, mecId), inArray(projectLinks.externalId, keys)));

describe("POST /api/v1/projets, optimistic creation", () => {
  it("an item whose link exists is an update: the refused creation leaves no trace", async () => {
    const { id, version } = await linkedByMec("opt-1");
    const projectsBefore = await count(sql`select count(*) as n from projects`);
    const eventsBefore = await count(sql`select count(*) as n from events`);
    const response = await post(mec, { externalId: "opt-1", nom: "Renommé", collectivites: [lyon] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, version: version + 1, created: false });
    expect(await count(sql`select count(*) as n from projects`)).toBe(projectsBefore);
    // One projet.modifie, and nothing of the refused creation (no projet.cree, no orphan event).
    expect(await count(sql`select count(*) as n from events`)).toBe(eventsBefore + 1);
    const [event] = await handle.db.select().from(events).where(and(eq(events.projectId, id), eq(events.projectVersion, version + 1)));
    expect(event!.type).toBe("projet.modifie");
    const [row] = await handle.db.select().from(projects).where(eq(projects.id, id));
    expect(row!.nom).toBe("Renommé");
    expect(await mecLinks(["opt-1"])).toHaveLength(1);
  });

  it("a bulk mixing a linked item and new ones: one update, the rest created, in input order", async () => {
    const { id, version } = await linkedByMec("opt-2");
    const items = ["opt-new-2a", "opt-2", "opt-new-2b"].map((key) => ({ externalId: key, nom: `Lot ${key}`, collectivites: [lyon] }));
    const response = await postBulk(mec, items);
    expect(response.status).toBe(201);
    expect(response.body.results.map((r: { created: boolean }) => r.created)).toEqual([true, false, true]);
    expect(response.body.results[1]).toEqual({ id, version: version + 1, created: false });
    const links = await mecLinks(items.map((i) => i.externalId));
    expect(links).toHaveLength(3);
    expect(links.find((l) => l.externalId === "opt-2")!.projectId).toBe(id);
  });

  it("X-User-Email without WRITE on the linked project: 403 for the whole bulk, the new items not created", async () => {
    await linkedByMec("opt-3");
    const items = ["opt-new-3", "opt-3"].map((key) => ({ externalId: key, nom: `Lot ${key}`, collectivites: [lyon] }));
    const response = await postBulk(mec, items, "inconnu@exemple.fr");
    expect(response.status).toBe(403);
    expect(response.body.error.details).toEqual({ indexes: [1] });
    expect(await mecLinks(["opt-new-3"])).toHaveLength(0);
    // A single POST of the linked key by the same user: 403 as well, nothing renamed.
    const single = await post(mec, { externalId: "opt-3", nom: "Non", collectivites: [lyon] }, "inconnu@exemple.fr");
    expect(single.status).toBe(403);
  });

  it("a new item by a user without any permission is created (a creation needs none)", async () => {
    const response = await post(mec, { externalId: "opt-4", nom: "Nouveau", collectivites: [lyon] }, "inconnu@exemple.fr");
    expect(response.status).toBe(201);
    expect(response.body.created).toBe(true);
  });

  it.skipIf(skipWithoutPostgres("POST /api/v1/projets/bulk: two concurrent creators (PGlite serialises them)"))(
    "two concurrent bulks creating the same new key: one project for it, one created: true, both 201",
    async () => {
      for (let round = 0; round < 5; round++) {
        const shared = `opt-conc-${round}`;
        const bulks = ["a", "b"].map((side) => [shared, `${shared}-${side}`].map((key) => ({ externalId: key, nom: `Course ${key}`, collectivites: [lyon] })));
        const responses = await Promise.all(bulks.map((items) => postBulk(mec, items)));
        expect(responses.map((r) => r.status)).toEqual([201, 201]);
        const sharedResults = responses.map((r) => r.body.results[0]);
        expect(sharedResults.filter((r: { created: boolean }) => r.created)).toHaveLength(1);
        expect(new Set(sharedResults.map((r: { id: string }) => r.id)).size).toBe(1);
        expect(responses.every((r) => r.body.results[1].created === true)).toBe(true);
        expect(await mecLinks([shared, `${shared}-a`, `${shared}-b`])).toHaveLength(3);
        const cree = await handle.db.select().from(events).where(and(eq(events.projectId, sharedResults[0].id), eq(events.type, "projet.cree")));
        expect(cree).toHaveLength(1);
      }
    },
  );
});
