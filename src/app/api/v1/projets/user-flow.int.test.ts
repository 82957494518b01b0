// The seed's user flow (issue #3): MEC creates → IDEE; TeT links and moves to "En cours" → EN_COURS;
// outbox rows for MEC, Recoco and Aides-territoires carry their own labels; none for the author.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { deliveries, events, services } from "@/db/schema";
import { withDeliveryBodies } from "@/modules/outbox/read-delivery-bodies";
import { expandEvents } from "@/modules/outbox/expand-events";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as projet from "./[id]/route";
import * as externalId from "./[id]/external-id/route";

let handle: TestDatabase;
const keys: Record<string, { key: string; serviceId: string }> = {};

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  for (const slug of ["mec", "tet", "recoco", "aides-territoires"] as const) keys[slug] = await keyFor(handle.db, slug, { endpoint: true });
});
afterAll(async () => handle?.destroy());

async function deliveriesOf(projectId: string, version: number) {
  await expandEvents(handle.db); // as the delivery driver does
  return handle.db
    .select({ id: deliveries.id, slug: services.slug, state: deliveries.state, type: deliveries.eventType })
    .from(deliveries)
    .innerJoin(services, eq(services.id, deliveries.serviceId))
    .where(eq(deliveries.projectId, projectId))
    .orderBy(asc(deliveries.id))
    .then(async (rows) => (await withDeliveryBodies(handle.db, rows)).filter((r) => JSON.parse(r.body!).data.projet.version === version));
}

describe("seed user flow over /api/v1/projets", () => {
  let id: string;

  it("MEC creates a project: IDEE, projet.cree to every other service with its own label", async () => {
    const created = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: keys.mec!.key,
      body: { externalId: "mec-1", nom: "École Jules Ferry", statut: "Non démarré, intention", collectivites: [lyon] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, created: true });
    id = created.body.id;

    const seen = await call(projet.GET, { path: `/api/v1/projets/${id}`, key: keys.mec!.key, params: { id } });
    expect(seen.body.statut).toEqual({ generique: "IDEE", service: "Non démarré, intention" });
    expect(seen.body.externalIds).toEqual({ mec: "mec-1" });

    const rows = await deliveriesOf(id, 1);
    expect(rows.map((r) => r.slug).sort()).toEqual(["aides-territoires", "recoco", "tet"]);
    const labels = Object.fromEntries(rows.map((r) => [r.slug, JSON.parse(r.body!).data.projet.statut.service]));
    expect(labels).toEqual({ tet: "A venir", recoco: "Non démarré, intention", "aides-territoires": "Réflexion / conception" });
    for (const row of rows) {
      const body = JSON.parse(row.body!);
      expect(row.state).toBe("pending");
      expect(body.type).toBe("projet.cree");
      expect(body.data.auteur).toBe("mec");
      expect(body.data.changements).toEqual(expect.arrayContaining(["nom", "statut", "collectivites"]));
      expect(Object.keys(body).sort()).toEqual(["createdAt", "data", "id", "type"]);
    }
  });

  it("an identical repeat answers 200 with the same id and version and queues nothing", async () => {
    const before = (await handle.db.select().from(events)).length;
    const again = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: keys.mec!.key,
      body: { externalId: "mec-1", nom: "École Jules Ferry", statut: "Non démarré, intention", collectivites: [lyon] },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id, version: 1, created: false });
    expect((await handle.db.select().from(events)).length).toBe(before);
  });

  it("TeT links its own id, then moves to « En cours »: EN_COURS, each receiver gets its own label", async () => {
    const linked = await call(externalId.PUT, {
      method: "PUT",
      path: `/api/v1/projets/${id}/external-id`,
      key: keys.tet!.key,
      params: { id },
      body: { externalId: "tet-77" },
    });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ id, version: 2 });

    const moved = await call(projet.PATCH, {
      method: "PATCH",
      path: `/api/v1/projets/${id}`,
      key: keys.tet!.key,
      params: { id },
      body: { statut: "En cours" },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ id, version: 3 });

    const rows = await deliveriesOf(id, 3);
    expect(rows.map((r) => r.slug).sort()).toEqual(["aides-territoires", "mec", "recoco"]);
    const statuts = Object.fromEntries(rows.map((r) => [r.slug, JSON.parse(r.body!).data.projet.statut]));
    expect(statuts).toEqual({
      mec: { generique: "EN_COURS", service: "Etudes opérationnelles en cours" },
      recoco: { generique: "EN_COURS", service: "Etudes opérationnelles en cours" },
      "aides-territoires": { generique: "EN_COURS", service: "Mise en oeuvre / réalisation" },
    });
    for (const row of rows) {
      const data = JSON.parse(row.body!).data;
      expect(data.auteur).toBe("tet");
      expect(data.changements).toEqual(["statut"]);
      expect(data.projet.externalIds).toEqual({ mec: "mec-1", tet: "tet-77" });
      expect(data.projet.services).toEqual(["mec", "tet"]);
    }

    const tetView = await call(projet.GET, { path: `/api/v1/projets/${id}`, key: keys.tet!.key, params: { id } });
    expect(tetView.body).toMatchObject({ version: 3, externalId: "tet-77", statut: { generique: "EN_COURS", service: "En cours" } });
  });

  it("an own-label change within the same generic status is stored without version nor event", async () => {
    const [impacte] = await Promise.all([
      call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: keys.tet!.key, params: { id }, body: { statut: "En retard" } }),
    ]);
    expect(impacte!.body.version).toBe(4);
    const eventsBefore = (await handle.db.select().from(events)).length;
    const paused = await call(projet.PATCH, {
      method: "PATCH",
      path: `/api/v1/projets/${id}`,
      key: keys.tet!.key,
      params: { id },
      body: { statut: "En pause" },
    });
    expect(paused.body).toEqual({ id, version: 4 });
    expect((await handle.db.select().from(events)).length).toBe(eventsBefore);
    const tetView = await call(projet.GET, { path: `/api/v1/projets/${id}`, key: keys.tet!.key, params: { id } });
    expect(tetView.body.statut).toEqual({ generique: "IMPACTE", service: "En pause" });
    // Aides-territoires has no label for IMPACTE.
    const atView = await call(projet.GET, { path: `/api/v1/projets/${id}`, key: keys["aides-territoires"]!.key, params: { id } });
    expect(atView.body.statut).toEqual({ generique: "IMPACTE", service: null });
    expect(atView.body.externalId).toBeNull();
  });
});
