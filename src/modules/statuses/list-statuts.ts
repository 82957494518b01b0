import type { DbOrTx } from "@/db/client";
import { loadStatusCatalog } from "./load-status-catalog";
import { PHASE_STATUTS, PHASES } from "@/modules/projects/projet-schemas";
import type { StatutsResponse } from "./statut-schemas";

/** The generic statuses, the calling service's own mapping and the phase correspondence (GET /api/v1/statuts). */
export async function listStatuts(db: DbOrTx, serviceId: string): Promise<StatutsResponse> {
  const catalog = await loadStatusCatalog(db, { withGeneric: true });
  const mine = catalog.services.get(serviceId);
  const position = new Map(catalog.generic.map((g) => [g.code, g.position]));
  const correspondances = [...(mine?.labels ?? new Map<string, string>())]
    .map(([libelle, generique]) => ({ libelle, generique, parDefaut: mine?.defaults.get(generique) === libelle }))
    .sort((a, b) => (position.get(a.generique) ?? 0) - (position.get(b.generique) ?? 0) || Number(b.parDefaut) - Number(a.parDefaut));
  const defaults = catalog.phases?.defaults ?? new Map();
  const phases = [...(catalog.phases?.toGeneric ?? new Map<string, string>())]
    .map(([key, generique]) => {
      const [phase, phaseStatut] = key.split("\u0000") as [string, string];
      const fallback = defaults.get(generique);
      return { phase, phaseStatut, generique, parDefaut: fallback?.phase === phase && fallback.phaseStatut === phaseStatut };
    })
    .sort(
      (a, b) =>
        (position.get(a.generique) ?? 0) - (position.get(b.generique) ?? 0) ||
        Number(b.parDefaut) - Number(a.parDefaut) ||
        PHASES.indexOf(a.phase as never) - PHASES.indexOf(b.phase as never) ||
        PHASE_STATUTS.indexOf(a.phaseStatut as never) - PHASE_STATUTS.indexOf(b.phaseStatut as never),
    );
  return { generiques: catalog.generic.map(({ code, libelle }) => ({ code, libelle })), correspondances, phases };
}
