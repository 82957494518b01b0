// Turns effective project changes into outbox events (CONTRACT §3), in the caller's transaction.
import type { Tx } from "@/db/client";
import type { StatementPart } from "@/db/combine-writes";
import { enqueueEvents, type NewEvent } from "@/modules/outbox/enqueue-event";
import { slugOf, type StatusCatalog } from "@/modules/statuses/load-status-catalog";
import { receiverViewOf, renderProjet, type ProjectState, type VisibleField } from "./project-state";

export type ProjectChange = { type: "projet.cree" | "projet.modifie"; state: ProjectState; changes: VisibleField[] };

/**
 * Writes a change (`writes`: its project rows, as statement parts) with one event per changed
 * project, in one statement; returns how many deliveries were queued.
 */
export async function announceChanges(
  tx: Tx,
  authorServiceId: string,
  changes: ProjectChange[],
  catalog: StatusCatalog,
  writes: StatementPart[] = [],
): Promise<number> {
  const results = await enqueueEvents(tx, announcementEvents(authorServiceId, changes, catalog), writes);
  return results.reduce((sum, r) => sum + r.deliveries, 0);
}

/** The outbox events of effective project changes: one per changed project. */
export function announcementEvents(authorServiceId: string, changes: ProjectChange[], catalog: StatusCatalog): NewEvent[] {
  const auteur = slugOf(catalog, authorServiceId);
  return changes.map((change) => ({
    type: change.type,
    projectId: change.state.row.id,
    projectVersion: change.state.row.version,
    authorServiceId,
    changements: change.changes,
    data: { projet: renderProjet(change.state, null, catalog), auteur, changements: change.changes },
    receiverViews: Object.fromEntries([...catalog.services.keys()].map((serviceId) => [serviceId, receiverViewOf(change.state, serviceId, catalog)])),
    porteurEmailHash: change.state.row.porteurEmailHash,
  }));
}
