// Turns effective project changes into outbox events (CONTRACT §3), in the caller's transaction.
import type { Tx } from "@/db/client";
import type { StatementPart } from "@/db/combine-writes";
import { enqueueEvents, queuedWork, type NewEvent } from "@/modules/outbox/enqueue-event";
import { slugOf, type StatusCatalog } from "@/modules/statuses/load-status-catalog";
import type { CollectiviteRef } from "@/db/schema";
import { territoryKeysOf } from "@/modules/subscriptions/territories";
import { receiverViewOf, renderProjet, type ProjectState, type VisibleField } from "./project-state";

export type ProjectChange = {
  type: "projet.cree" | "projet.modifie";
  state: ProjectState;
  changes: VisibleField[];
  /** The project's collectivités before this change, when they changed (scope exit, CONTRACT §8). */
  previousCollectivites?: CollectiviteRef[];
};

/**
 * Writes a change (`writes`: its project rows, as statement parts) with one event per changed
 * project, in one statement; returns how much work was queued for the delivery drivers (events to
 * expand into their deliveries, expand-events.ts): above 0, wake them after the commit.
 */
export async function announceChanges(
  tx: Tx,
  authorServiceId: string,
  changes: ProjectChange[],
  catalog: StatusCatalog,
  writes: StatementPart[] = [],
): Promise<number> {
  return queuedWork(await enqueueEvents(tx, announcementEvents(authorServiceId, changes, catalog), writes));
}

/**
 * The outbox events of effective project changes: one per changed project, carrying the territory
 * keys of its collectivités for the endpoints' subscriptions, and, when its collectivités changed so
 * that it left territories it lay in, a second `projet.modifie` with `data.horsPerimetre: true` for
 * the endpoints whose territories it has left (CONTRACT §8 "Subscriptions"). A project entering an
 * endpoint's scope needs no more: the first event it gets there carries its full state.
 */
export function announcementEvents(authorServiceId: string, changes: ProjectChange[], catalog: StatusCatalog): NewEvent[] {
  const auteur = slugOf(catalog, authorServiceId);
  return changes.flatMap((change) => {
    const event = announcementEvent(authorServiceId, auteur, change, catalog);
    if (!change.previousCollectivites) return [event];
    const before = territoryKeysOf(change.previousCollectivites);
    const now = new Set(event.territoryKeys!);
    if (before.every((k) => now.has(k))) return [event];
    const exit: NewEvent = {
      ...event,
      type: "projet.modifie",
      data: { ...(event.data as object), horsPerimetre: true },
      territoryKeys: before,
      leavingKeys: event.territoryKeys,
    };
    return [event, exit];
  });
}

function announcementEvent(authorServiceId: string, auteur: string, change: ProjectChange, catalog: StatusCatalog): NewEvent {
  return {
    type: change.type,
    projectId: change.state.row.id,
    projectVersion: change.state.row.version,
    authorServiceId,
    changements: change.changes,
    data: { projet: renderProjet(change.state, null, catalog), auteur, changements: change.changes },
    receiverViews: Object.fromEntries([...catalog.services.keys()].map((serviceId) => [serviceId, receiverViewOf(change.state, serviceId, catalog)])),
    porteurEmailHash: change.state.row.porteurEmailHash,
    territoryKeys: territoryKeysOf(change.state.row.collectivites),
  };
}
