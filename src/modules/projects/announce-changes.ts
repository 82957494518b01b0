// Turns effective project changes into outbox events (CONTRACT §3), in the caller's transaction.
import type { Tx } from "@/db/client";
import { enqueueEvents } from "@/modules/outbox/enqueue-event";
import { slugOf, type StatusCatalog } from "@/modules/statuses/load-status-catalog";
import { renderProjet, type ProjectState, type VisibleField } from "./project-state";

export type ProjectChange = { type: "projet.cree" | "projet.modifie"; state: ProjectState; changes: VisibleField[] };

/** One event per changed project; returns how many deliveries were queued. */
export async function announceChanges(tx: Tx, authorServiceId: string, changes: ProjectChange[], catalog: StatusCatalog): Promise<number> {
  const auteur = slugOf(catalog, authorServiceId);
  const results = await enqueueEvents(
    tx,
    changes.map((change) => ({
      type: change.type,
      projectId: change.state.row.id,
      projectVersion: change.state.row.version,
      authorServiceId,
      changements: change.changes,
      renderData: (receiver: { serviceId: string }) => ({
        projet: renderProjet(change.state, receiver.serviceId, catalog),
        auteur,
        changements: change.changes,
      }),
    })),
  );
  return results.reduce((sum, r) => sum + r.deliveries, 0);
}
