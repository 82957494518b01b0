import type { DbOrTx } from "@/db/client";
import { loadStatusCatalog } from "./load-status-catalog";
import type { StatutsResponse } from "./statut-schemas";

/** The generic statuses and the calling service's own mapping (GET /api/v1/statuts). */
export async function listStatuts(db: DbOrTx, serviceId: string): Promise<StatutsResponse> {
  const catalog = await loadStatusCatalog(db, { withGeneric: true });
  const mine = catalog.services.get(serviceId);
  const position = new Map(catalog.generic.map((g) => [g.code, g.position]));
  const correspondances = [...(mine?.labels ?? new Map<string, string>())]
    .map(([libelle, generique]) => ({ libelle, generique, parDefaut: mine?.defaults.get(generique) === libelle }))
    .sort((a, b) => (position.get(a.generique) ?? 0) - (position.get(b.generique) ?? 0) || Number(b.parDefaut) - Number(a.parDefaut));
  return { generiques: catalog.generic.map(({ code, libelle }) => ({ code, libelle })), correspondances };
}
