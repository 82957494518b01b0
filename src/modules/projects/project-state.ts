// A project as stored (row + links) and as seen by one reader (the `Projet` of CONTRACT §1).
import type { CollectiviteRef, ReceiverView } from "@/db/schema";
import { projects } from "@/db/schema";
import { ownLabelFor, slugOf, type StatusCatalog } from "@/modules/statuses/load-status-catalog";
import { phaseOf } from "@/modules/statuses/phase-vocabulary";
import type { Projet } from "./projet-schemas";

/** `nom_key` is the database's (generated from `nom`): the write path never sets it. */
export type ProjectRow = Omit<typeof projects.$inferSelect, "nomKey">;
export type LinkRow = { projectId: string; serviceId: string; externalId: string; statusLabel: string | null; createdAt: Date };
export type ProjectState = { row: ProjectRow; links: LinkRow[] };

/** Field names other services see, as reported in `changements`. */
export const visibleFields = [
  "nom",
  "description",
  "statut",
  "porteur",
  "collectivites",
  "budgetPrevisionnel",
  "dateDebutPrevisionnelle",
  "programme",
] as const;
export type VisibleField = (typeof visibleFields)[number] | "externalIds" | "services";

const porteurColumns = ["porteurEmail", "porteurNom", "porteurPrenom", "porteurTelephone", "porteurFonction", "porteurCodeSiret"] as const;

function porteurOf(row: ProjectRow): Projet["porteur"] {
  if (porteurColumns.every((c) => row[c] === null)) return null;
  return {
    email: row.porteurEmail,
    nom: row.porteurNom,
    prenom: row.porteurPrenom,
    telephone: row.porteurTelephone,
    fonction: row.porteurFonction,
    codeSiret: row.porteurCodeSiret,
  };
}

/** What differs between readers of one project state: their own external id and status label. */
export function receiverViewOf(state: ProjectState, readerServiceId: string | null, catalog: StatusCatalog): ReceiverView {
  const own = readerServiceId ? state.links.find((l) => l.serviceId === readerServiceId) : undefined;
  return {
    externalId: own?.externalId ?? null,
    statut: ownLabelFor(catalog, readerServiceId, state.row.genericStatus, own?.statusLabel),
  };
}

/** The project as `readerServiceId` sees it: its own status label and its own external id. */
export function renderProjet(state: ProjectState, readerServiceId: string | null, catalog: StatusCatalog): Projet {
  const { row, links } = state;
  const sorted = [...links].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.serviceId.localeCompare(b.serviceId));
  const view = receiverViewOf(state, readerServiceId, catalog);
  const phase = phaseOf(catalog, row.genericStatus, row);
  const externalIds: Record<string, string> = {};
  for (const link of sorted) externalIds[slugOf(catalog, link.serviceId)] = link.externalId;
  return {
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    externalId: view.externalId,
    nom: row.nom,
    description: row.description,
    statut: {
      generique: row.genericStatus,
      service: view.statut,
    },
    phase: phase.phase as Projet["phase"],
    phaseStatut: phase.phaseStatut as Projet["phaseStatut"],
    porteur: porteurOf(row),
    // jsonb reorders keys; answer in the documented order.
    collectivites: (row.collectivites as CollectiviteRef[]).map((c) => ({ type: c.type, code: c.code })),
    budgetPrevisionnel: row.budgetPrevisionnel,
    dateDebutPrevisionnelle: row.dateDebutPrevisionnelle,
    programme: row.programme,
    externalIds,
    services: sorted.map((l) => slugOf(catalog, l.serviceId)),
  };
}
