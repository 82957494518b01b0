// Property-based robustness of every write route: ≥ 1,000 random and mutated bodies each. Never a
// 5xx; on any 4xx the database is exactly as before (fingerprint of every written table).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon, type Handler } from "./testing/api-test-kit";
import * as projets from "./projets/route";
import * as bulk from "./projets/bulk/route";
import * as projet from "./projets/[id]/route";
import * as externalId from "./projets/[id]/external-id/route";
import * as permissions from "./projets/[id]/permissions/route";
import * as effacement from "./utilisateurs/effacement/route";
import * as retrait from "./utilisateurs/retrait/route";
import * as permissionSync from "./permissions/sync/route";

const RUNS = 1000;
let handle: TestDatabase;
let mec: string;
let projectId: string;
/** A project MEC is not linked to (TeT's): sync entries naming it must be refused whole. */
let tetProjectId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  await keyFor(handle.db, "tet", { endpoint: true });
  const created = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId: "fixe", nom: "Projet fixe", porteur: { email: "porteur@exemple.fr" }, collectivites: [lyon] },
  });
  expect(created.status).toBe(201);
  projectId = created.body.id;
  const tetCreated = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: (await keyFor(handle.db, "tet")).key,
    body: { externalId: "tet-fixe", nom: "Projet de TeT", collectivites: [lyon] },
  });
  expect(tetCreated.status).toBe(201);
  tetProjectId = tetCreated.body.id;
});
afterAll(async () => handle?.destroy());

async function fingerprint(): Promise<string> {
  const [row] = rowsOf<{ f: string }>(
    await handle.db.execute(sql`select concat_ws('|',
      (select md5(coalesce(string_agg(t::text, ',' order by t.id), '')) from projects t),
      (select md5(coalesce(string_agg(t::text, ',' order by t.project_id, t.service_id), '')) from project_links t),
      (select md5(coalesce(string_agg(t::text, ',' order by t.project_id, t.email_hash, t.granted_by_service_id), '')) from project_permissions t),
      (select count(*) from events), (select count(*) from deliveries)) as f`),
  );
  return row!.f;
}

// ---- arbitraries: plausible values mixed with hostile ones --------------------------------------
const hostile = fc.oneof(
  fc.constant(null),
  fc.constant(""),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 30 }),
  fc.constant("x".repeat(600)),
  // Parsed, so that `__proto__` is an own key (an object literal would set the prototype instead).
  fc.constant(JSON.parse('{"__proto__":{"admin":true}}') as unknown),
  fc.constant([]),
  fc.jsonValue({ maxDepth: 3 }),
);
const email = fc.constantFrom("a@exemple.fr", " B@Exemple.FR ", "porteur@exemple.fr", "c.d@mairie-exemple.fr");
const collectivite = fc.constantFrom(lyon, { type: "EPCI", code: "200046977" }, { type: "Commune", code: "2A004" }, { type: "Commune", code: "75056" });
const projetFields = fc.record(
  {
    externalId: fc.constantFrom("fixe", "p-1", "p-2", "p-3"),
    nom: fc.string({ minLength: 1, maxLength: 40 }).filter((v) => v.trim().length > 0),
    description: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(null)),
    porteur: fc.oneof(fc.constant(null), fc.record({ email, nom: fc.string({ maxLength: 20 }), codeSiret: fc.constant("21690123100011") }, { requiredKeys: [] })),
    collectivites: fc.array(collectivite, { minLength: 1, maxLength: 3 }),
    budgetPrevisionnel: fc.oneof(fc.nat(), fc.constant(null)),
    dateDebutPrevisionnelle: fc.constantFrom("2026-03-01", "2024-02-29", null),
    programme: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ["externalId", "nom", "collectivites"] },
);
const statut = fc.constantFrom("Non démarré, intention", "Etudes opérationnelles en cours", "Opération terminée, livrée", null);
const phase = fc.constantFrom("Idée", "Étude", "Opération", " E\u0301tude ", null);
const phaseStatut = fc.constantFrom("En cours", "Terminé", "Bloqué");
/** Own label, or the phase vocabulary instead (CONTRACT §8), or no status; now and then both (a 400). */
const vocabulary = fc.oneof(
  { weight: 3, arbitrary: fc.record({ statut }) as fc.Arbitrary<Record<string, unknown>> },
  { weight: 3, arbitrary: fc.record({ phase, phaseStatut }, { requiredKeys: ["phase"] }) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ statut, phase, phaseStatut }, { requiredKeys: ["statut"] }) },
);
const validProjet = fc.tuple(projetFields, vocabulary).map(([fields, status]) => ({ ...fields, ...status }));

/** One mutation of a valid object: a key removed, a value replaced by a hostile one, or a key added. */
function mutated<T extends Record<string, unknown>>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostile, fc.constantFrom("delete", "replace", "add", "nest")).map(([object, n, value, mode]) => {
    const copy: Record<string, unknown> = { ...object };
    const keys = Object.keys(copy);
    const key = keys[n % Math.max(1, keys.length)] ?? "externalId";
    if (mode === "delete") delete copy[key];
    else if (mode === "replace") copy[key] = value;
    // defineProperty: assigning `__proto__` would change the prototype instead of adding the key.
    else if (mode === "add")
      Object.defineProperty(copy, ["inconnu", "id", "version", "__proto__", "externalIds"][n % 5]!, { value, enumerable: true, writable: true, configurable: true });
    else copy[key] = [value, { [key]: value }][n % 2];
    return copy;
  });
}
/** A JSON text: a valid object, a mutated one, random JSON, or broken text. */
function bodies<T extends Record<string, unknown>>(valid: fc.Arbitrary<T>): fc.Arbitrary<string> {
  const json = fc
    .oneof(
      { weight: 3, arbitrary: valid as fc.Arbitrary<unknown> },
      { weight: 4, arbitrary: mutated(valid) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    )
    .map((v) => JSON.stringify(v) ?? "null");
  return fc.oneof(
    { weight: 8, arbitrary: json },
    { weight: 1, arbitrary: json.chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

const users = fc.option(fc.constantFrom("porteur@exemple.fr", "a@exemple.fr", "pas-un-email"), { nil: undefined });
const ids = fc.oneof({ weight: 8, arbitrary: fc.constant("__fixed__") }, { weight: 1, arbitrary: fc.constantFrom("123", "00000000-0000-4000-8000-000000000000") });

async function check(handler: Handler, method: string, path: string, text: string, user: string | undefined, id?: string) {
  const before = await fingerprint();
  const { status, body } = await call(handler, { method, path, key: mec, user, raw: text, params: id ? { id } : {} });
  expect(status, `${method} ${path} ${text.slice(0, 200)}`).toBeLessThan(500);
  if (status >= 400) {
    expect(typeof (body as { error: { code: unknown } }).error.code).toBe("string");
    expect(await fingerprint(), `${status} wrote something: ${text.slice(0, 200)}`).toBe(before);
  }
  return status;
}

function run(name: string, arb: fc.Arbitrary<[string, string | undefined, string]>, send: (text: string, user: string | undefined, id: string) => Promise<number>) {
  it(`${name}: ${RUNS} random and mutated bodies, never a 5xx, nothing written on a 4xx`, { timeout: 600_000 }, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arb, async ([text, user, id]) => {
        const status = await send(text, user, id === "__fixed__" ? projectId : id);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    // The generators must reach both outcomes, or the property proves little.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  });
}

describe("write routes under random input", () => {
  run("POST /api/v1/projets", fc.tuple(bodies(validProjet), users, ids), (t, u) => check(projets.POST, "POST", "/api/v1/projets", t, u));
  run(
    "POST /api/v1/projets/bulk",
    fc.tuple(
      bodies(
        fc.record({
          projets: fc.array(fc.oneof({ weight: 4, arbitrary: validProjet as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: mutated(validProjet) }), {
            minLength: 1,
            maxLength: 4,
          }),
        }),
      ),
      users,
      ids,
    ),
    (t, u) => check(bulk.POST, "POST", "/api/v1/projets/bulk", t, u),
  );
  run("PATCH /api/v1/projets/{id}", fc.tuple(bodies(validProjet.map(({ externalId: _, ...rest }) => rest)), users, ids), (t, u, id) =>
    check(projet.PATCH, "PATCH", `/api/v1/projets/${id}`, t, u, id),
  );
  run(
    "PUT /api/v1/projets/{id}/external-id",
    fc.tuple(bodies(fc.record({ externalId: fc.constantFrom("fixe", "p-1", "autre") })), users, ids),
    (t, u, id) => check(externalId.PUT, "PUT", `/api/v1/projets/${id}/external-id`, t, u, id),
  );
  run(
    "PUT /api/v1/projets/{id}/permissions",
    fc.tuple(bodies(fc.record({ email, niveau: fc.constantFrom("READ", "WRITE") })), users, ids),
    (t, u, id) => check(permissions.PUT, "PUT", `/api/v1/projets/${id}/permissions`, t, u, id),
  );
  run(
    "DELETE /api/v1/projets/{id}/permissions",
    fc.tuple(bodies(fc.record({ email })), users, ids),
    (t, u, id) => check(permissions.DELETE, "DELETE", `/api/v1/projets/${id}/permissions`, t, u, id),
  );
  // Project ids are drawn when the property runs (the fixtures are created in beforeAll).
  const syncProjetId = fc.constantFrom("__fixed__", "__fixed_upper__", "__tet__", "00000000-0000-4000-8000-000000000000", "123");
  const syncEntries = fc.record({
    accorder: fc.array(fc.record({ projetId: syncProjetId, email, niveau: fc.constantFrom("READ", "WRITE") }), { maxLength: 3 }),
    retirer: fc.array(fc.record({ projetId: syncProjetId, email }), { maxLength: 3 }),
  }, { requiredKeys: [] });
  run("POST /api/v1/permissions/sync", fc.tuple(bodies(syncEntries), users, ids), (t, u) =>
    check(
      permissionSync.POST,
      "POST",
      "/api/v1/permissions/sync",
      t.replaceAll("__fixed_upper__", projectId.toUpperCase()).replaceAll("__fixed__", projectId).replaceAll("__tet__", tetProjectId),
      u,
    ),
  );
  run(
    "POST /api/v1/utilisateurs/retrait",
    fc.tuple(bodies(fc.record({ email })), users, ids),
    (t, u) => check(retrait.POST, "POST", "/api/v1/utilisateurs/retrait", t, u),
  );
  run(
    "POST /api/v1/utilisateurs/effacement",
    fc.tuple(bodies(fc.record({ email })), users, ids),
    (t, u) => check(effacement.POST, "POST", "/api/v1/utilisateurs/effacement", t, u),
  );
});
