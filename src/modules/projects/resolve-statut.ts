import { AppError, type ValidationIssue } from "@/modules/errors/app-error";
import type { StatusCatalog } from "@/modules/statuses/load-status-catalog";

export type StatutResolution = { generic: string | null | undefined; issue?: ValidationIssue; accepted?: string[] };

/** The generic status a caller's own label maps to; undefined when `statut` was not sent. */
export function resolveStatut(catalog: StatusCatalog, serviceId: string, label: string | null | undefined, path: string): StatutResolution {
  if (label === undefined || label === null) return { generic: label };
  const mine = catalog.services.get(serviceId);
  const generic = mine?.labels.get(label);
  if (generic) return { generic };
  const accepted = [...(mine?.labels.keys() ?? [])];
  return {
    generic: undefined,
    accepted,
    issue: { path, message: `libellé de statut inconnu pour ce service ; acceptés : ${accepted.map((l) => `« ${l} »`).join(", ") || "aucun"}` },
  };
}

export function unknownStatus(label: string, accepted: string[]): AppError {
  return new AppError("unknown_status", `Le libellé de statut « ${label} » n'est pas dans la table de correspondance du service appelant.`, {
    accepted,
  });
}
