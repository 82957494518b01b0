// The console's project search and detail (issue #11): accent- and case-insensitive name search,
// filters by linked service, generic status and collectivité, linked services' names, named collectivités.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon, metropoleLyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as externalId from "@/app/api/v1/projets/[id]/external-id/route";
import { searchProjects } from "./search-projects";
import { getProjectDetail } from "./get-project-detail";
import { searchProjectsInput } from "./console-schemas";

let handle: TestDatabase;
const ids: Record<string, string> = {};
let tetId: string;
let mecId: string;

async function create(slug: "tet" | "mec", key: string, externalId: string, body: Record<string, unknown>) {
  const answer = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body: { externalId, ...body } });
  expect(answer.status).toBe(201);
  ids[externalId] = answer.body.id;
}

const search = async (input: Record<string, unknown>) =>
  (await searchProjects(handle.db, searchProjectsInput.parse({ limit: 100, ...input }))).items.map((p) => p.nom).sort();

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  const tet = await keyFor(handle.db, "tet");
  const mec = await keyFor(handle.db, "mec");
  tetId = tet.serviceId;
  mecId = mec.serviceId;
  await create("tet", tet.key, "t-ecoles", {
    nom: "Rénovation des ÉCOLES",
    statut: "Réalisé",
    collectivites: [lyon],
    description: "Toitures et chauffage",
    budgetPrevisionnel: 250000,
    dateDebutPrevisionnelle: "2027-03-15",
  });
  await create("mec", mec.key, "m-ecole", { nom: "Ecole maternelle", statut: "Etudes opérationnelles en cours", collectivites: [metropoleLyon] });
  await create("mec", mec.key, "m-piscine", { nom: "Piscine (100 % solaire)", statut: "Etudes opérationnelles en cours", collectivites: [{ type: "Commune", code: "75056" }] });
  // The same project linked to a second service: tet takes the mec project under its own id.
  const shared = ids["m-piscine"]!;
  const linked = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${shared}/external-id`, key: tet.key, params: { id: shared }, body: { externalId: "t-piscine" } });
  expect(linked.status).toBeLessThan(300);
});
afterAll(async () => handle?.destroy());

describe("projects.search (searchProjects)", () => {
  it("finds names without case or accents: « ecoles » finds « Rénovation des ÉCOLES »", async () => {
    expect(await search({ query: "ecoles" })).toEqual(["Rénovation des ÉCOLES"]);
    expect(await search({ query: "ÉCOLE" })).toEqual(["Ecole maternelle", "Rénovation des ÉCOLES"]);
    expect(await search({ query: "renovation" })).toEqual(["Rénovation des ÉCOLES"]);
    expect(await search({ query: "E\u0301cole".normalize("NFD") })).toEqual(["Ecole maternelle", "Rénovation des ÉCOLES"]);
    // LIKE metacharacters are literal.
    expect(await search({ query: "100 %" })).toEqual(["Piscine (100 % solaire)"]);
    expect(await search({ query: "%" })).toEqual(["Piscine (100 % solaire)"]);
    expect(await search({ query: "_" })).toEqual([]);
    // An external id or a hub id still finds its project.
    expect(await search({ query: "m-ecole" })).toEqual(["Ecole maternelle"]);
    expect(await search({ query: ids["t-ecoles"] })).toEqual(["Rénovation des ÉCOLES"]);
  });

  it("fills the linked services with their names", async () => {
    const { items } = await searchProjects(handle.db, searchProjectsInput.parse({ query: "piscine" }));
    expect(items).toHaveLength(1);
    expect(items[0]!.services).toEqual(["Mon Espace Collectivité", "Territoires en Transitions"]);
    expect(items[0]!.statusLibelle).toBe("En cours");
  });

  it("filters by service, by generic status and by collectivité, alone or together", async () => {
    expect(await search({ serviceId: tetId })).toEqual(["Piscine (100 % solaire)", "Rénovation des ÉCOLES"]);
    expect(await search({ serviceId: mecId })).toEqual(["Ecole maternelle", "Piscine (100 % solaire)"]);
    expect(await search({ status: "TERMINE" })).toEqual(["Rénovation des ÉCOLES"]);
    expect(await search({ status: "EN_COURS", serviceId: tetId })).toEqual(["Piscine (100 % solaire)"]);
    expect(await search({ collectivite: "69123" })).toEqual(["Rénovation des ÉCOLES"]);
    expect(await search({ collectivite: metropoleLyon.code })).toEqual(["Ecole maternelle"]);
    expect(await search({ collectivite: "69123", query: "piscine" })).toEqual([]);
  });

  it("refuses a malformed filter with a French message", () => {
    const refused = searchProjectsInput.safeParse({ collectivite: "Lyon" });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.message).toContain("code INSEE");
    expect(searchProjectsInput.safeParse({ serviceId: "tet" }).success).toBe(false);
  });
});

describe("projects.get (getProjectDetail)", () => {
  it("shows budget, description, dates, the status's label and named collectivités", async () => {
    const { project, links } = await getProjectDetail(handle.db, ids["t-ecoles"]!);
    expect(project).toMatchObject({ description: "Toitures et chauffage", budgetPrevisionnel: 250000, dateDebutPrevisionnelle: "2027-03-15", statusLibelle: "Terminé" });
    expect(project.collectivites).toEqual([{ type: "Commune", code: "69123", nom: "Lyon", departements: ["Rhône (69)"], epci: "Métropole de Lyon" }]);
    expect(links.map((l) => l.nom)).toEqual(["Territoires en Transitions"]);
    const epci = await getProjectDetail(handle.db, ids["m-ecole"]!);
    expect(epci.project.collectivites[0]).toMatchObject({ type: "EPCI", nom: "Métropole de Lyon", departements: ["Rhône (69)"] });
  });
});
