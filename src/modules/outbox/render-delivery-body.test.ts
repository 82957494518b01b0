import { describe, expect, it } from "vitest";
import { blankProject } from "@/modules/projects/apply-projet-input";
import { receiverViewOf, renderProjet, type ProjectState } from "@/modules/projects/project-state";
import type { StatusCatalog } from "@/modules/statuses/load-status-catalog";
import { renderDeliveryBody } from "./render-delivery-body";

const mec = "00000000-0000-4000-8000-000000000001";
const tet = "00000000-0000-4000-8000-000000000002";
const recoco = "00000000-0000-4000-8000-000000000003";
const catalog: StatusCatalog = {
  generic: [],
  services: new Map([
    [mec, { slug: "mec", labels: new Map([["Idée", "IDEE"]]), defaults: new Map([["IDEE", "Idée"]]) }],
    [tet, { slug: "tet", labels: new Map([["À lancer", "IDEE"], ["Envisagé", "IDEE"]]), defaults: new Map([["IDEE", "À lancer"]]) }],
    [recoco, { slug: "recoco", labels: new Map(), defaults: new Map() }],
  ]),
};
const at = new Date("2026-11-23T10:00:00.000Z");
const projectId = "11111111-1111-4111-8111-111111111111";
const state: ProjectState = {
  row: {
    ...blankProject(projectId, mec, at),
    version: 3,
    nom: "Rénovation de l'école",
    description: "Toiture \"isolée\" et ☀️",
    genericStatus: "IDEE",
    collectivites: [{ type: "Commune", code: "69123" }],
    budgetPrevisionnel: 120000,
    dateDebutPrevisionnelle: "2027-01-01",
    porteurEmail: "porteur@mairie-exemple.fr",
    porteurNom: "Durand",
  },
  links: [
    { projectId, serviceId: mec, externalId: "mec-1", statusLabel: "Idée", createdAt: at },
    { projectId, serviceId: tet, externalId: "tet-9", statusLabel: "Envisagé", createdAt: at },
  ],
};

const message = (projet: unknown) => JSON.stringify({ id: "msg_1", type: "projet.modifie", createdAt: at.toISOString(), data: { projet, auteur: "mec", changements: ["nom"] } });

describe("renderDeliveryBody", () => {
  it("sends each receiver the exact bytes of the project rendered for it", () => {
    const eventBody = message(renderProjet(state, null, catalog));
    for (const reader of [tet, recoco, mec]) {
      const sent = renderDeliveryBody({ eventBody, receiverView: receiverViewOf(state, reader, catalog) });
      expect(sent).toBe(message(renderProjet(state, reader, catalog)));
    }
    expect(JSON.parse(renderDeliveryBody({ eventBody, receiverView: receiverViewOf(state, tet, catalog) })!).data.projet).toMatchObject({
      externalId: "tet-9",
      statut: { generique: "IDEE", service: "Envisagé" },
    });
  });

  it("sends null for the fields a stored view omits (stored without its null fields)", () => {
    const eventBody = message(renderProjet(state, null, catalog));
    const view = receiverViewOf(state, recoco, catalog);
    const stored = Object.fromEntries(Object.entries(view).filter(([, value]) => value !== null));
    expect(renderDeliveryBody({ eventBody, receiverView: stored })).toBe(message(renderProjet(state, recoco, catalog)));
    expect(renderDeliveryBody({ eventBody, receiverView: null })).toBe(message(renderProjet(state, recoco, catalog)));
    expect(renderDeliveryBody({ eventBody, receiverView: { statut: "À lancer" } })).toBe(
      message({ ...renderProjet(state, null, catalog), statut: { ...renderProjet(state, null, catalog).statut, service: "À lancer" } }),
    );
  });

  it("keeps bodies without a project and reports purged ones", () => {
    const ping = JSON.stringify({ id: "msg_2", type: "test.ping", createdAt: at.toISOString(), data: { message: "x" } });
    expect(renderDeliveryBody({ eventBody: ping, receiverView: null })).toBe(ping);
    expect(renderDeliveryBody({ eventBody: null, receiverView: { externalId: "x", statut: null } })).toBeNull();
  });
});
