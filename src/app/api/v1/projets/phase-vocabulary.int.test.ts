// The phase vocabulary of the existing Les Communs API (CONTRACT §8, issue #13 part 3): `phase` +
// `phaseStatut` accepted instead of `statut`, mapped by a correspondence table stored as data, and
// every `Projet` (responses and webhooks) showing `phase` and `phaseStatut` beside `statut`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { deliveries, phaseMappings } from "@/db/schema";
import { withDeliveryBodies } from "@/modules/outbox/read-delivery-bodies";
import { expandEvents } from "@/modules/outbox/expand-events";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as bulk from "./bulk/route";
import * as projet from "./[id]/route";
import * as statuts from "../statuts/route";

let handle: TestDatabase;
let mec: string;
let tet: string;
let tetId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  ({ key: tet, serviceId: tetId } = await keyFor(handle.db, "tet", { endpoint: true }));
});
afterAll(async () => handle?.destroy());

const post = (key: string, body: unknown) => call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body });
const get = async (key: string, id: string) => (await call(projet.GET, { path: `/api/v1/projets/${id}`, key, params: { id } })).body;
const patch = (key: string, id: string, body: unknown) => call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key, params: { id }, body });
const create = async (ext: string, extra: Record<string, unknown>) => {
  const r = await post(mec, { externalId: ext, nom: `Projet ${ext}`, collectivites: [lyon], ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};
/** The `data` of the webhooks sent to TeT for a project, in version order. */
const sentToTet = async (id: string) => {
  await expandEvents(handle.db); // as the delivery driver does
  const rows = await handle.db.select().from(deliveries).where(and(eq(deliveries.projectId, id), eq(deliveries.serviceId, tetId)));
  return (await withDeliveryBodies(handle.db, rows)).sort((a, b) => a.id - b.id).map((d) => JSON.parse(d.body!).data);
};

describe("ProjetInput.phase / phaseStatut", () => {
  it("maps a pair to the generic status; every reader sees the pair beside its own label, webhooks included", async () => {
    const id = await create("phase-1", { phase: "Étude" });
    const seenByMec = await get(mec, id);
    expect(seenByMec.statut).toEqual({ generique: "FAISABILITE", service: "Etudes pré-opérationnelles en cours" });
    expect(seenByMec).toMatchObject({ phase: "Étude", phaseStatut: "En cours" });
    const seenByTet = await get(tet, id);
    expect(seenByTet.statut).toEqual({ generique: "FAISABILITE", service: "A discuter" });
    expect(seenByTet).toMatchObject({ phase: "Étude", phaseStatut: "En cours" });
    const [cree] = await sentToTet(id);
    expect(cree.projet).toMatchObject({ statut: { generique: "FAISABILITE", service: "A discuter" }, phase: "Étude", phaseStatut: "En cours" });
    expect(cree.changements).toContain("statut");
  });

  it("follows the default table of CONTRACT §8 for every pair", async () => {
    const table: [string, string, string][] = [
      ["Idée", "En cours", "IDEE"],
      ["Étude", "En cours", "FAISABILITE"],
      ["Idée", "Terminé", "FAISABILITE"],
      ["Étude", "Terminé", "FAISABILITE"],
      ["Opération", "En cours", "EN_COURS"],
      ["Opération", "Terminé", "TERMINE"],
      ...["Idée", "Étude", "Opération"].flatMap((phase) => [
        [phase, "En retard", "IMPACTE"] as [string, string, string],
        [phase, "En pause", "IMPACTE"] as [string, string, string],
        [phase, "Bloqué", "IMPACTE"] as [string, string, string],
        [phase, "Abandonné", "ABANDONNE"] as [string, string, string],
      ]),
    ];
    expect(table).toHaveLength(18);
    const r = await call(bulk.POST, {
      method: "POST",
      path: "/api/v1/projets/bulk",
      key: mec,
      body: { projets: table.map(([phase, phaseStatut], i) => ({ externalId: `table-${i}`, nom: "T", collectivites: [lyon], phase, phaseStatut })) },
    });
    expect(r.status).toBe(201);
    for (const [i, [phase, phaseStatut, generique]] of table.entries()) {
      const seen = await get(tet, r.body.results[i].id);
      expect([seen.statut.generique, seen.phase, seen.phaseStatut], `${phase} / ${phaseStatut}`).toEqual([generique, phase, phaseStatut]);
    }
  });

  it("back from generic: the last pair while it still maps, else the default pair of the status", async () => {
    const id = await create("phase-2", { phase: "Idée", phaseStatut: "Terminé" });
    expect(await get(tet, id)).toMatchObject({ statut: { generique: "FAISABILITE" }, phase: "Idée", phaseStatut: "Terminé" });
    // Own labels move the generic status: the pair no longer maps, the defaults answer.
    const defaults: [string, string, string, string][] = [
      ["A venir", "IDEE", "Idée", "En cours"],
      ["En cours", "EN_COURS", "Opération", "En cours"],
      ["En pause", "IMPACTE", "Opération", "En retard"],
      ["Abandonné", "ABANDONNE", "Opération", "Abandonné"],
      ["Réalisé", "TERMINE", "Opération", "Terminé"],
    ];
    const link = await call((await import("./[id]/external-id/route")).PUT, {
      method: "PUT",
      path: `/api/v1/projets/${id}/external-id`,
      key: tet,
      params: { id },
      body: { externalId: "tet-phase-2" },
    });
    expect(link.status).toBe(200);
    for (const [label, generique, phase, phaseStatut] of defaults) {
      expect((await patch(tet, id, { statut: label })).status).toBe(200);
      expect(await get(mec, id), label).toMatchObject({ statut: { generique }, phase, phaseStatut });
    }
    // Back to FAISABILITE by an own label: the last pair given maps again.
    await patch(tet, id, { statut: "A discuter" });
    expect(await get(mec, id)).toMatchObject({ statut: { generique: "FAISABILITE" }, phase: "Idée", phaseStatut: "Terminé" });
    // A project never given a pair shows the default pair; one without a status shows nulls.
    const plain = await create("phase-3", { statut: "Etudes pré-opérationnelles en cours" });
    expect(await get(tet, plain)).toMatchObject({ phase: "Étude", phaseStatut: "En cours" });
    const none = await create("phase-4", {});
    expect(await get(tet, none)).toMatchObject({ statut: { generique: null, service: null }, phase: null, phaseStatut: null });
  });

  it("a new pair of the same generic status is a visible change (new version, webhook); a repeat is not", async () => {
    const id = await create("phase-5", { phase: "Étude", phaseStatut: "En cours" });
    const changed = await post(mec, { externalId: "phase-5", phase: "Étude", phaseStatut: "Terminé" });
    expect(changed.body).toMatchObject({ version: 2, created: false });
    const repeat = await post(mec, { externalId: "phase-5", phase: "Étude", phaseStatut: "Terminé" });
    expect(repeat.body).toMatchObject({ version: 2, created: false });
    const sent = await sentToTet(id);
    expect(sent).toHaveLength(2);
    expect(sent[1].changements).toEqual(["statut"]);
    expect(sent[1].projet).toMatchObject({ version: 2, statut: { generique: "FAISABILITE", service: "A discuter" }, phase: "Étude", phaseStatut: "Terminé" });
  });

  it("a pair the project already shows is remembered without a new version, and answers later", async () => {
    const id = await create("phase-6", { phase: "Idée", phaseStatut: "Terminé" });
    await patch(mec, id, { statut: "Etudes opérationnelles en cours" }); // EN_COURS: shows Opération / En cours (default)
    const before = await get(mec, id);
    expect(before).toMatchObject({ phase: "Opération", phaseStatut: "En cours" });
    const same = await patch(mec, id, { phase: "Opération" });
    expect(same.body.version).toBe(before.version);
    expect((await get(mec, id)).updatedAt).toBe(before.updatedAt);
    // FAISABILITE again: the remembered pair is now Opération / En cours, which does not map: default.
    await patch(mec, id, { statut: "Etudes pré-opérationnelles en cours" });
    expect(await get(mec, id)).toMatchObject({ phase: "Étude", phaseStatut: "En cours" });
  });

  it("PATCH takes a pair too; phase: null clears the status", async () => {
    const id = await create("phase-7", { statut: "Non démarré, intention" });
    const r = await patch(mec, id, { phase: "Opération", phaseStatut: "Bloqué" });
    expect(r.status).toBe(200);
    expect(await get(mec, id)).toMatchObject({ statut: { generique: "IMPACTE", service: "Opération en pause, reportée" }, phase: "Opération", phaseStatut: "Bloqué" });
    await patch(mec, id, { phase: null });
    expect(await get(mec, id)).toMatchObject({ statut: { generique: null, service: null }, phase: null, phaseStatut: null });
  });

  it("values are compared after NFC and trimming", async () => {
    const id = await create("phase-8", { phase: " E\u0301tude ", phaseStatut: "Bloque\u0301" });
    expect(await get(mec, id)).toMatchObject({ statut: { generique: "IMPACTE" }, phase: "Étude", phaseStatut: "Bloqué" });
  });

  it("both vocabularies, phaseStatut without phase, or an unknown value → 400, nothing written", async () => {
    const cases: [unknown, string][] = [
      [{ externalId: "both-1", nom: "X", collectivites: [lyon], statut: "Non démarré, intention", phase: "Idée" }, "phase"],
      [{ externalId: "both-2", nom: "X", collectivites: [lyon], statut: null, phaseStatut: "En cours" }, "phaseStatut"],
      [{ externalId: "both-3", nom: "X", collectivites: [lyon], phaseStatut: "En cours" }, "phaseStatut"],
      [{ externalId: "both-4", nom: "X", collectivites: [lyon], phase: "Chantier" }, "phase"],
      [{ externalId: "both-5", nom: "X", collectivites: [lyon], phase: "Idée", phaseStatut: "Fini" }, "phaseStatut"],
    ];
    for (const [body, path] of cases) {
      const r = await post(mec, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
    const id = await create("both-6", { phase: "Idée" });
    const r = await patch(mec, id, { statut: "Non démarré, intention", phase: "Idée", phaseStatut: "En cours" });
    expect(r.status).toBe(400);
    const b = await call(bulk.POST, {
      method: "POST",
      path: "/api/v1/projets/bulk",
      key: mec,
      body: {
        projets: [
          { externalId: "both-7", nom: "X", collectivites: [lyon], phase: "Idée" },
          { externalId: "both-8", nom: "X", collectivites: [lyon], phase: "Idée", statut: "Non démarré, intention" },
        ],
      },
    });
    expect(b.status).toBe(400);
    expect(b.body.error.details.map((d: { path: string }) => d.path)).toEqual(["projets.1.phase"]);
    expect((await post(mec, { externalId: "both-7", nom: "X", collectivites: [lyon] })).status).toBe(201);
  });
});

describe("the phase correspondence is data", () => {
  it("GET /api/v1/statuts lists it, defaults first for each generic status", async () => {
    const r = await call(statuts.GET, { path: "/api/v1/statuts", key: tet });
    expect(r.status).toBe(200);
    expect(r.body.phases).toHaveLength(18);
    expect(r.body.phases.filter((p: { parDefaut: boolean }) => p.parDefaut)).toEqual([
      { phase: "Idée", phaseStatut: "En cours", generique: "IDEE", parDefaut: true },
      { phase: "Étude", phaseStatut: "En cours", generique: "FAISABILITE", parDefaut: true },
      { phase: "Opération", phaseStatut: "En cours", generique: "EN_COURS", parDefaut: true },
      { phase: "Opération", phaseStatut: "En retard", generique: "IMPACTE", parDefaut: true },
      { phase: "Opération", phaseStatut: "Abandonné", generique: "ABANDONNE", parDefaut: true },
      { phase: "Opération", phaseStatut: "Terminé", generique: "TERMINE", parDefaut: true },
    ]);
    expect(r.body.phases).toContainEqual({ phase: "Idée", phaseStatut: "Bloqué", generique: "IMPACTE", parDefaut: false });
  });

  it("an edited row changes the mapping at once; a pair removed from the table → 422 (400 in a bulk)", async () => {
    await handle.db
      .update(phaseMappings)
      .set({ genericStatus: "TERMINE" })
      .where(and(eq(phaseMappings.phase, "Étude"), eq(phaseMappings.phaseStatut, "Terminé")));
    const id = await create("data-1", { phase: "Étude", phaseStatut: "Terminé" });
    expect(await get(tet, id)).toMatchObject({ statut: { generique: "TERMINE", service: "Réalisé" }, phase: "Étude", phaseStatut: "Terminé" });

    await handle.db.delete(phaseMappings).where(and(eq(phaseMappings.phase, "Idée"), eq(phaseMappings.phaseStatut, "Bloqué")));
    const one = await post(mec, { externalId: "data-2", nom: "X", collectivites: [lyon], phase: "Idée", phaseStatut: "Bloqué" });
    expect(one.status).toBe(422);
    expect(one.body.error.code).toBe("unknown_status");
    expect(one.body.error.details.accepted).toContain("Étude / Terminé");
    const many = await call(bulk.POST, {
      method: "POST",
      path: "/api/v1/projets/bulk",
      key: mec,
      body: { projets: [{ externalId: "data-3", nom: "X", collectivites: [lyon], phase: "Idée", phaseStatut: "Bloqué" }] },
    });
    expect(many.status).toBe(400);
    expect(many.body.error.details.map((d: { path: string }) => d.path)).toEqual(["projets.0.phase"]);
  });
});
