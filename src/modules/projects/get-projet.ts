import type { Db } from "@/db/client";
import { requireUserLevel, type Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { projectNotFound } from "./patch-projet";
import { renderProjet } from "./project-state";
import type { Projet } from "./projet-schemas";
import { loadProjects } from "./store-projects";

/** GET /projets/{id}: any service may read; an acting user needs READ. */
export async function getProjet(db: Db, caller: Caller, projectId: string): Promise<Projet> {
  const [states, catalog] = await Promise.all([loadProjects(db, [projectId]), loadStatusCatalog(db, caller)]);
  const state = states.get(projectId);
  if (!state) throw projectNotFound();
  await requireUserLevel(db, caller, state.row, "READ");
  return renderProjet(state, caller.serviceId, catalog);
}
