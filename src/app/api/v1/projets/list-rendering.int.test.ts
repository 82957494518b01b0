// GET /api/v1/projets renders its pages in the database (render-projet-json.ts, issue #17): the
// bytes must stay those of `renderProjet` + `JSON.stringify`, the rendering of GET /projets/{id}
// and of the webhooks. Compared here page by page, for every reader, on projects that cover each
// branch of the reader's view (own label kept, default, none; phase pair kept, default, none),
// nulls, escapes, extreme values and link orders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { env } from "@/env";
import { hashEmail } from "@/modules/permissions/hash-email";
import { renderProjet } from "@/modules/projects/project-state";
import { loadProjects } from "@/modules/projects/store-projects";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { keyFor, lyon, type Slug } from "../testing/api-test-kit";
import * as projets from "./route";

let handle: TestDatabase;
const keys = new Map<Slug, { key: string; serviceId: string }>();
const slugs: Slug[] = ["mec", "tet", "recoco", "aides-territoires"];
const porteurEmail = "Camille.Dupont@mairie-exemple.fr";

// Every character class JSON escapes differently, and some it does not escape.
const awkward = `« guillemets » "doubles" \\ barre \n ligne \r retour \t tab \b \f \u0001 \u001f \u007f é 😀 \u2028 \u2029 </script> e\u0301`;

type ProjectSeed = {
  nom: string;
  description?: string | null;
  generic?: string | null;
  phase?: [string | null, string | null];
  porteur?: (string | null)[];
  collectivites?: unknown[];
  budget?: number | null;
  date?: string | null;
  programme?: string | null;
  createdAt?: string;
  updatedAt?: string;
  /** slug → [external id, own status label, link creation time] */
  links?: [Slug, string, string | null, string][];
};

const seeds: ProjectSeed[] = [
  {
    nom: awkward,
    description: awkward,
    generic: "FAISABILITE",
    phase: ["Étude", "En cours"],
    porteur: [porteurEmail, "Dupont", "Camille", "+33 6 12 34 56 78", "Chargée de mission", "12345678900011"],
    collectivites: [lyon, { code: "200046977", type: "EPCI" }],
    budget: Number.MAX_SAFE_INTEGER,
    date: "1900-01-01",
    programme: "Petites villes de demain",
    links: [
      ["mec", "mec-1", "Etudes pré-opérationnelles en cours", "2026-11-30 10:00:00.100+00"],
      ["tet", "tet-1 \"guillemet\"", "A discuter", "2026-11-30 10:00:00.200+00"],
    ],
  },
  { nom: "Minimal", collectivites: [lyon], links: [] },
  {
    nom: "Porteur partiel",
    generic: "IMPACTE",
    phase: ["Idée", "En retard"],
    porteur: [null, null, null, "+33 4 00 00 00 00", null, null],
    collectivites: [lyon],
    date: "9999-12-31",
    budget: 0,
    links: [
      // Own labels: kept (tet, mec), none given (recoco: default), one that maps elsewhere (aides: no default for IMPACTE).
      ["tet", "tet-3", "Bloqué", "2026-11-30 10:00:01.000+00"],
      ["mec", "mec-3", "Opération en pause, reportée", "2026-11-30 10:00:02.000+00"],
      ["recoco", "recoco-3", null, "2026-11-30 10:00:03.000+00"],
      ["aides-territoires", "at-3", "Réflexion / conception", "2026-11-30 10:00:04.000+00"],
    ],
  },
  {
    // A remembered pair that no longer maps to the generic status: the status's default pair.
    nom: "Paire périmée",
    generic: "TERMINE",
    phase: ["Idée", "En cours"],
    collectivites: [lyon],
    links: [["mec", "mec-4", "Etudes pré-opérationnelles en cours", "2026-11-30 10:00:05.000+00"]],
  },
  {
    nom: "Phase sans statut de phase",
    generic: "EN_COURS",
    phase: ["Opération", null],
    collectivites: [],
    // Created in one millisecond: ordered by service id, whatever the microseconds say.
    links: [
      ["mec", "mec-5", null, "2026-11-30 10:00:06.123999+00"],
      ["tet", "tet-5", "En cours", "2026-11-30 10:00:06.123001+00"],
      ["recoco", "recoco-5", "Etudes opérationnelles en cours", "2026-11-30 10:00:06.123500+00"],
    ],
  },
  {
    nom: "Horloges en microsecondes",
    description: "",
    generic: "IDEE",
    programme: "",
    collectivites: [{ type: "Commune", code: "01001" }, lyon, { type: "Commune", code: "75056" }],
    createdAt: "2026-11-30 10:00:00.123999+00",
    updatedAt: "1999-12-31 23:59:59.999999+00",
    links: [["aides-territoires", "at-6", "Réflexion / conception", "2026-11-30 09:00:00.000999+00"]],
  },
  {
    nom: "Statut générique sans libellé par défaut pour aides",
    generic: "FAISABILITE",
    phase: [null, "En cours"],
    porteur: [porteurEmail, null, null, null, null, null],
    collectivites: [lyon],
    links: [["tet", "tet-7", "A venir", "2026-11-30 10:00:07.000+00"]],
  },
];

async function seed(s: ProjectSeed, serviceIds: Map<Slug, string>) {
  const p = s.porteur ?? [null, null, null, null, null, null];
  const [row] = rowsOf<{ id: string }>(
    await handle.db.execute(sql`
      insert into projects (nom, description, generic_status, phase, phase_statut, porteur_email, porteur_email_hash, porteur_nom,
        porteur_prenom, porteur_telephone, porteur_fonction, porteur_code_siret, collectivites, budget_previsionnel,
        date_debut_previsionnelle, programme, created_at, updated_at)
      values (${s.nom}, ${s.description ?? null}, ${s.generic ?? null}, ${s.phase?.[0] ?? null}, ${s.phase?.[1] ?? null},
        ${p[0]}, ${p[0] ? hashEmail(p[0], env.EMAIL_HASH_SECRET) : null}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, ${p[5]},
        ${JSON.stringify(s.collectivites ?? [lyon])}::jsonb, ${s.budget ?? null}, ${s.date ?? null}::date, ${s.programme ?? null},
        coalesce(${s.createdAt ?? null}::timestamptz, now()), coalesce(${s.updatedAt ?? null}::timestamptz, now()))
      returning id`),
  );
  for (const [slug, externalId, label, at] of s.links ?? []) {
    await handle.db.execute(sql`
      insert into project_links (project_id, service_id, external_id, status_label, created_at, updated_at)
      values (${row!.id}, ${serviceIds.get(slug)!}, ${externalId}, ${label}, ${at}::timestamptz, ${at}::timestamptz)`);
  }
}

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  for (const slug of slugs) keys.set(slug, await keyFor(handle.db, slug));
  const serviceIds = new Map([...keys].map(([slug, k]) => [slug, k.serviceId]));
  for (const s of seeds) await seed(s, serviceIds);
});
afterAll(async () => handle?.destroy());

/** The response's bytes and content type, as the client receives them. */
async function getText(path: string, key: string, user?: string): Promise<{ status: number; text: string; type: string | null }> {
  const headers = new Headers({ authorization: `Bearer ${key}` });
  if (user) headers.set("x-user-email", user);
  const response = await projets.GET(new Request(`http://localhost${path}`, { headers }), { params: Promise.resolve({}) });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

/** The former rendering of a page: each project loaded and rendered by `renderProjet`, then `JSON.stringify`. */
async function renderedBefore(ids: string[], readerServiceId: string, nextCursor: string | null): Promise<string> {
  const [states, catalog] = await Promise.all([loadProjects(handle.db, ids), loadStatusCatalog(handle.db)]);
  return JSON.stringify({ items: ids.map((id) => renderProjet(states.get(id)!, readerServiceId, catalog)), nextCursor });
}

/** Traverses with `limit`, comparing every page; returns the ids seen. */
async function compareTraversal(slug: Slug, limit: number, user?: string): Promise<string[]> {
  const { key, serviceId } = keys.get(slug)!;
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 50; n++) {
    const page = await getText(`/api/v1/projets?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, key, user);
    expect(page.status).toBe(200);
    expect(page.type).toBe("application/json");
    const parsed = JSON.parse(page.text) as { items: { id: string }[]; nextCursor: string | null };
    const ids = parsed.items.map((i) => i.id);
    expect(page.text).toBe(await renderedBefore(ids, serviceId, parsed.nextCursor));
    seen.push(...ids);
    cursor = parsed.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error("traversal did not end");
}

describe("GET /api/v1/projets (rendering)", () => {
  it("answers the bytes of renderProjet + JSON.stringify for every reader", async () => {
    for (const slug of slugs) {
      const seen = await compareTraversal(slug, 3);
      expect(seen.length).toBe(seeds.length);
    }
    // One page holding everything, and a page of one.
    expect((await compareTraversal("tet", 500)).length).toBe(seeds.length);
    expect((await compareTraversal("recoco", 1)).length).toBe(seeds.length);
  });

  it("keeps the acting user's filter: only the porteur's projects, rendered the same", async () => {
    const seen = await compareTraversal("mec", 2, porteurEmail);
    expect(seen.length).toBe(2);
  });

  it("follows a change of mapping at once (the catalog of the request)", async () => {
    // aides-territoires gets a default for FAISABILITE: its view of projects 1 and 7 changes.
    await handle.db.execute(sql`
      insert into status_mappings (service_id, label, generic_status, is_default)
      values (${keys.get("aides-territoires")!.serviceId}, 'Étude « faisabilité »', 'FAISABILITE', true)`);
    await compareTraversal("aides-territoires", 4);
    const page = JSON.parse((await getText("/api/v1/projets?limit=500", keys.get("aides-territoires")!.key)).text);
    expect(page.items.filter((i: { statut: { service: string | null } }) => i.statut.service === "Étude « faisabilité »").length).toBe(2);
  });

  it("an empty page is the same JSON as before", async () => {
    const page = await getText(`/api/v1/projets?limit=5&updatedSince=9999-01-01T00:00:00Z`, keys.get("mec")!.key);
    expect(page.status).toBe(200);
    expect(JSON.parse(page.text).items).toEqual([]);
    const parsed = JSON.parse(page.text);
    expect(page.text).toBe(JSON.stringify({ items: [], nextCursor: parsed.nextCursor }));
  });
});
