// The outbox's expansion (issue #17): a write records its event and one queue row; the drivers
// expand the queue into deliveries and held changes, in `seq` order under one lock. Lane order,
// scope exits, held changes and their release, the subscription filter, erasures for a disabled
// receiver, and two expanders at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { openDatabase, rowsOf, type DatabaseHandle } from "@/db/client";
import { deliveries, eventFanouts, events, heldChanges } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { runCommand } from "@/cli/commands";
import { setEndpointEnabled } from "@/modules/console/set-endpoint-enabled";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as bulk from "@/app/api/v1/projets/bulk/route";
import * as projet from "@/app/api/v1/projets/[id]/route";
import * as effacement from "@/app/api/v1/utilisateurs/effacement/route";
import { expandEvents } from "./expand-events";

const marseille = { type: "Commune" as const, code: "13055" };

let t: TestDatabase;
let mec: string;
let tetId: string;
let recocoId: string;
let counter = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec")).key;
  tetId = (await keyFor(t.db, "tet", { endpoint: true })).serviceId;
  recocoId = (await keyFor(t.db, "recoco", { endpoint: true })).serviceId;
});
afterAll(async () => {
  await t?.destroy();
});
beforeEach(async () => {
  await expandEvents(t.db, { limit: 10_000 });
  await runCommand(t.db, "service:update", { slug: "tet", evenements: "tous", territoires: "tous", enabled: "true" });
  await setEndpointEnabled(t.db, "tet", true, cliActor);
});

async function create(collectivites: unknown[] = [lyon], porteur?: Record<string, string>): Promise<string> {
  const res = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId: `mec-exp-${++counter}`, nom: `Projet ${counter}`, statut: "Non démarré, intention", collectivites, ...(porteur ? { porteur } : {}) },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function patch(id: string, body: Record<string, unknown>): Promise<number> {
  const res = await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, body });
  expect(res.status).toBe(200);
  return res.body.version as number;
}

/** A service's deliveries for a project, in id order (the lane's order). */
async function lane(serviceId: string, projectId: string) {
  return t.db
    .select({ id: deliveries.id, type: deliveries.eventType, version: deliveries.projectVersion, nextAttemptAt: deliveries.nextAttemptAt, body: events.body })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(eq(deliveries.serviceId, serviceId), eq(deliveries.projectId, projectId)))
    .orderBy(asc(deliveries.id));
}

const queueDepth = async () => (await t.db.select({ seq: eventFanouts.seq }).from(eventFanouts)).length;

describe("the write", () => {
  it("records the event and one queue row, no delivery; the expansion inserts one per receiver and empties the queue", async () => {
    const id = await create();
    expect(await lane(tetId, id)).toEqual([]);
    expect(await lane(recocoId, id)).toEqual([]);
    expect(await queueDepth()).toBe(1);
    expect(await expandEvents(t.db)).toEqual({ events: 1, deliveries: 2 });
    expect((await lane(tetId, id)).map((d) => [d.type, d.version])).toEqual([["projet.cree", 1]]);
    expect((await lane(recocoId, id)).map((d) => [d.type, d.version])).toEqual([["projet.cree", 1]]);
    expect(await queueDepth()).toBe(0);
    // Nothing waits: a second expansion does nothing.
    expect(await expandEvents(t.db)).toEqual({ events: 0, deliveries: 0 });
  });

  it("a bulk writes its events and queue rows only, expanded in batches", async () => {
    const items = Array.from({ length: 30 }, () => ({ externalId: `mec-exp-${++counter}`, nom: `Lot ${counter}`, statut: "Non démarré, intention", collectivites: [lyon] }));
    const res = await call(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", key: mec, body: { projets: items } });
    expect(res.status).toBe(201);
    const ids = (res.body.results as { id: string }[]).map((r) => r.id);
    expect(await t.db.select().from(deliveries).where(inArray(deliveries.projectId, ids))).toEqual([]);
    expect(await queueDepth()).toBe(30);
    expect(await expandEvents(t.db, { limit: 20 })).toEqual({ events: 20, deliveries: 40 });
    expect(await expandEvents(t.db, { limit: 20 })).toEqual({ events: 10, deliveries: 20 });
    // Delivery ids follow the bulk's item order (its events' order) for each receiver.
    const rows = await t.db.select({ projectId: deliveries.projectId }).from(deliveries)
      .where(and(eq(deliveries.serviceId, tetId), inArray(deliveries.projectId, ids))).orderBy(asc(deliveries.id));
    expect(rows.map((r) => r.projectId)).toEqual(ids);
  });
});

describe("lane order", () => {
  it("delivery ids follow version order across expansions, whatever the batch size", async () => {
    const id = await create();
    await expandEvents(t.db);
    const versions = [1];
    versions.push(await patch(id, { nom: "v2" }));
    await expandEvents(t.db, { limit: 1 });
    versions.push(await patch(id, { nom: "v3" }));
    versions.push(await patch(id, { nom: "v4" }));
    versions.push(await patch(id, { nom: "v5" }));
    // One at a time, then the rest.
    expect((await expandEvents(t.db, { limit: 1 })).events).toBe(1);
    expect((await expandEvents(t.db, { limit: 10 })).events).toBe(2);
    for (const serviceId of [tetId, recocoId]) {
      expect((await lane(serviceId, id)).map((d) => d.version)).toEqual(versions);
    }
  });

  it("a scope-exit pair: the change for the endpoints still in scope, then the last horsPerimetre for the one it left", async () => {
    await runCommand(t.db, "service:update", { slug: "tet", territoires: "dep:13" });
    const id = await create([marseille]);
    await patch(id, { collectivites: [lyon] });
    await patch(id, { nom: "Hors périmètre" });
    await expandEvents(t.db);
    const ofTet = (await lane(tetId, id)).map((d) => ({ type: d.type, version: d.version, horsPerimetre: JSON.parse(d.body!).data.horsPerimetre }));
    expect(ofTet).toEqual([
      { type: "projet.cree", version: 1, horsPerimetre: undefined },
      { type: "projet.modifie", version: 2, horsPerimetre: true },
    ]);
    // RECOCO (no territories) gets every change, never the exit event.
    const ofRecoco = await lane(recocoId, id);
    expect(ofRecoco.map((d) => [d.version, JSON.parse(d.body!).data.horsPerimetre])).toEqual([[1, undefined], [2, undefined], [3, undefined]]);
  });
});

describe("subscriptions", () => {
  it("filters by event type and territory at expansion; a subscription change applies to the changes written after it", async () => {
    await runCommand(t.db, "service:update", { slug: "tet", evenements: "projet.modifie" });
    const id = await create();
    await expandEvents(t.db);
    expect(await lane(tetId, id)).toEqual([]);
    expect((await lane(recocoId, id)).map((d) => d.type)).toEqual(["projet.cree"]);
    // Written under a subscription to dep:69 (Lyon), then the subscription moves to dep:13 before
    // any expansion: the change written before it still reaches TeT, the one after does not.
    await runCommand(t.db, "service:update", { slug: "tet", evenements: "tous", territoires: "dep:69" });
    const before = await patch(id, { nom: "Avant le changement d'abonnement" });
    await runCommand(t.db, "service:update", { slug: "tet", territoires: "dep:13" });
    await patch(id, { nom: "Après le changement d'abonnement" });
    await expandEvents(t.db);
    expect((await lane(tetId, id)).map((d) => d.version)).toEqual([before]);
  });
});

describe("a disabled receiver", () => {
  it("gets its project changes held at expansion, released with the current state on re-enable, behind what was queued before", async () => {
    const id = await create();
    await expandEvents(t.db);
    const pending = await patch(id, { nom: "Écrit avant la désactivation" });
    // Disabled before that change is expanded: the disable expands it first, to the endpoint still
    // enabled (queued, then parked with the endpoint's other waiting deliveries).
    expect(await queueDepth()).toBe(1);
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    expect(await queueDepth()).toBe(0);
    await patch(id, { nom: "Écrit pendant la désactivation" });
    const last = await patch(id, { statut: "Etudes opérationnelles en cours" });
    await expandEvents(t.db);
    const queued = await lane(tetId, id);
    expect(queued.map((d) => d.version)).toEqual([1, pending]);
    expect(isParked(queued[1]!.nextAttemptAt)).toBe(true);
    expect(await t.db.select({ version: heldChanges.projectVersion, changements: heldChanges.changements }).from(heldChanges).where(eq(heldChanges.serviceId, tetId)))
      .toEqual([{ version: last, changements: ["nom", "statut"] }]);
    expect((await lane(recocoId, id)).map((d) => d.version)).toEqual([1, pending, pending + 1, last]);

    // A change written while disabled, not expanded when the re-enable comes: the re-enable expands
    // it first, to the endpoint still disabled (held, then released with the rest): sent once.
    const newest = await patch(id, { description: "Écrit juste avant la réactivation" });
    expect(await queueDepth()).toBe(1);
    await setEndpointEnabled(t.db, "tet", true, cliActor);
    expect(await queueDepth()).toBe(0);
    expect(await t.db.select().from(heldChanges).where(eq(heldChanges.serviceId, tetId))).toEqual([]);
    const released = await lane(tetId, id);
    expect(released.map((d) => d.version)).toEqual([1, pending, newest]);
    expect(isParked(released[1]!.nextAttemptAt)).toBe(false);
    expect(JSON.parse(released[2]!.body!).data).toMatchObject({ changements: ["description", "nom", "statut"], projet: { version: newest } });

    // Then normal traffic, behind the release.
    const after = await patch(id, { nom: "Après la réactivation" });
    await expandEvents(t.db);
    expect((await lane(tetId, id)).map((d) => d.version)).toEqual([1, pending, newest, after]);
  });

  it("gets an erasure event queued and parked until it is enabled again", async () => {
    const email = "porteur.efface@exemple.fr";
    const id = await create([lyon], { email, nom: "Porteur" });
    await expandEvents(t.db);
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    const res = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email } });
    expect(res.status).toBe(200);
    await expandEvents(t.db);
    const erasure = await t.db.select().from(deliveries).where(and(eq(deliveries.serviceId, tetId), eq(deliveries.eventType, "utilisateur.efface")));
    expect(erasure).toHaveLength(1);
    expect(isParked(erasure[0]!.nextAttemptAt)).toBe(true);
    // The project's own change is held for TeT, not queued.
    expect((await lane(tetId, id)).map((d) => d.version)).toEqual([1]);
    expect(await t.db.select({ projectId: heldChanges.projectId }).from(heldChanges).where(eq(heldChanges.serviceId, tetId))).toEqual([{ projectId: id }]);
    // No stored body names the erased porteur any more, the expanded ones included.
    const named = rowsOf(await t.db.execute(sql`select id from events where body like ${`%${email}%`}`));
    expect(named).toEqual([]);
    await setEndpointEnabled(t.db, "tet", true, cliActor);
    const [due] = await t.db.select().from(deliveries).where(eq(deliveries.id, erasure[0]!.id));
    expect(isParked(due!.nextAttemptAt)).toBe(false);
  });

  it("an erasure written before expansion: the expanded deliveries send the scrubbed body", async () => {
    const email = "porteur.pas.encore.reparti@exemple.fr";
    const id = await create([lyon], { email, nom: "Porteur" });
    // The creation is still queued when the erasure scrubs the stored bodies.
    expect(await queueDepth()).toBe(1);
    expect((await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email } })).status).toBe(200);
    await expandEvents(t.db);
    const ofTet = await lane(tetId, id);
    expect(ofTet.map((d) => d.version)).toEqual([1, 2]);
    for (const d of ofTet) expect(d.body).not.toContain(email);
  });
});

describe("two expanders at once (PostgreSQL)", () => {
  it.skipIf(skipWithoutPostgres("two connections expanding at once"))("expand each event once, one at a time, ids in seq order", async () => {
    const other: DatabaseHandle = await openDatabase({ url: t.url!, poolSize: 4 });
    try {
      const id = await create();
      const versions = [1];
      for (let i = 0; i < 20; i++) versions.push(await patch(id, { budgetPrevisionnel: 1000 + i }));
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => expandEvents(t.db, { limit: 3 })),
        ...Array.from({ length: 4 }, () => expandEvents(other.db, { limit: 3 })),
      ]);
      while ((await expandEvents(t.db, { limit: 3 })).events > 0);
      expect(results.reduce((s, r) => s + r.events, 0)).toBeLessThanOrEqual(21);
      for (const serviceId of [tetId, recocoId]) {
        expect((await lane(serviceId, id)).map((d) => d.version)).toEqual(versions);
      }
      expect(await queueDepth()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
