// Held changes are released here (CONTRACT §8): once an endpoint and its service are both enabled,
// the receiver gets, for every project that changed while it was disabled, one `projet.modifie`
// with the project's current state as it sees it, queued behind its older pending deliveries and
// before any later change.
import { sql } from "drizzle-orm";
import { rowsOf, type Db, type Tx } from "@/db/client";
import { enqueueEvents, OUTBOX_CHANNEL, type NewEvent } from "@/modules/outbox/enqueue-event";
import { expandEventsIn } from "@/modules/outbox/expand-events";
import { announcementEvents } from "@/modules/projects/announce-changes";
import type { VisibleField } from "@/modules/projects/project-state";
import { loadProjects } from "@/modules/projects/store-projects";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { PARKED_UNTIL } from "@/modules/webhooks/park-deliveries";

/** Projects released per statement round (the whole set is released in the caller's transaction). */
const CHUNK = 500;

type HeldRow = { project_id: string; author_service_id: string | null; changements: string[] };

/**
 * Releases the held changes of `serviceId`'s endpoint, in the caller's transaction, if that endpoint
 * and the service are both enabled (else does nothing). Per project, in project id order: locks the
 * project row (so that a concurrent writer queues its own delivery after this one: delivery ids
 * follow version order within a lane), deletes the held row and queues a `projet.modifie` for this
 * service only, carrying the project's current state rendered as for any write (its own
 * `externalId` and status label), `auteur` = the author of the newest held change (never the
 * receiver) and `changements` = the union of the held changes' fields, with `horsPerimetre: true`
 * when the project now lies outside the endpoint's territories. Returns the number of
 * events queued; wakes the delivery workers (NOTIFY at commit) when there are some.
 *
 * First expands every event still queued for expansion (expand-events.ts), under the expansion
 * lock held until the caller's commit: a change written before this release gets its delivery (or
 * its held row, released below) before the released state in the lane, and no expansion runs
 * meanwhile. An expansion that read "disabled" before the re-enable committed its held rows before
 * this lock was granted: they are released here.
 *
 * Called in the transaction of every re-enable (endpoint or service), and by the drivers' periodic
 * sweep (`sweepHeldChanges`) for rows committed by a writer that read "disabled" and committed
 * after the re-enable's release. A project may then be sent twice (at-least-once: receivers drop a
 * version they already hold), never lost.
 */
export async function releaseHeldChanges(tx: Tx, serviceId: string): Promise<number> {
  const [endpoint] = rowsOf<{ id: string; territoires: string[] | null }>(
    await tx.execute(sql`
      select e.id, e.territoires from webhook_endpoints e join services s on s.id = e.service_id
      where e.service_id = ${serviceId} and e.enabled and s.enabled`),
  );
  if (!endpoint) return 0;
  // Before any project row lock: writers hold theirs while inserting queue rows, never this lock.
  await expandEventsIn(tx);
  // An expansion that read "disabled" and committed after the re-enable made the waiting deliveries
  // due (make-deliveries-due.ts) parked an erasure event for this endpoint: due now, as the others.
  const unparked = rowsOf(
    await tx.execute(sql`
      update delivery_queue set next_attempt_at = now(), updated_at = now()
      where endpoint_id = ${endpoint.id} and state = 'pending' and next_attempt_at >= ${PARKED_UNTIL}::timestamptz
      returning id`),
  ).length;
  if (unparked > 0) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  const catalog = await loadStatusCatalog(tx);
  let queued = 0;
  for (;;) {
    const ids = rowsOf<{ project_id: string }>(
      await tx.execute(sql`
        select project_id from held_changes where endpoint_id = ${endpoint.id}
        order by project_id limit ${CHUNK}`),
    ).map((r) => r.project_id);
    if (ids.length === 0) break;
    // Project rows first, then the held rows (held rows are written only by expansions, which this
    // transaction's expansion lock keeps out): the current state of each project, newer writers
    // queued behind this release.
    const states = await loadProjects(tx, ids, { forUpdate: true });
    // Changes to these projects committed between the expansion above and these locks wait in the
    // queue (this transaction holds the expansion lock): expanded now, under the locks, their
    // deliveries (the endpoint is enabled in this transaction) come before the released state
    // in each lane, and no later change can be written until the commit. Expanded after the
    // commit, they would follow it: version 7 released, then 6 and 7 again.
    await expandEventsIn(tx);
    const held = rowsOf<HeldRow>(
      await tx.execute(sql`
        delete from held_changes
        where endpoint_id = ${endpoint.id} and project_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
        returning project_id, author_service_id, changements`),
    ).sort((a, b) => (a.project_id < b.project_id ? -1 : a.project_id > b.project_id ? 1 : 0));
    const events: NewEvent[] = held.flatMap((row) => {
      const state = states.get(row.project_id);
      if (!state) return []; // the project no longer exists: nothing to send
      const changes = row.changements as VisibleField[];
      if (row.author_service_id === null) {
        // Held rows always name an author (every project event has one); without it, no `auteur`
        // rather than a wrong one.
        const [event] = announcementEvents(serviceId, [{ type: "projet.modifie", state, changes }], catalog);
        return [{ ...event!, authorServiceId: null, onlyServiceId: serviceId, data: { ...(event!.data as object), auteur: null } }];
      }
      const [event] = announcementEvents(row.author_service_id, [{ type: "projet.modifie", state, changes }], catalog);
      return [{ ...event!, onlyServiceId: serviceId }];
    });
    // A project held because it changed in or out of the endpoint's territories and now lying out
    // of them gets its last event marked `horsPerimetre` (CONTRACT §8 "Subscriptions").
    const territoires = endpoint.territoires;
    if (territoires) {
      for (const event of events) {
        if (!event.territoryKeys!.some((k) => territoires.includes(k))) event.data = { ...(event.data as object), horsPerimetre: true };
      }
    }
    queued += (await enqueueEvents(tx, events)).length;
    if (ids.length < CHUNK) break;
  }
  if (queued > 0) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return queued;
}

/**
 * The drivers' periodic sweep, a safety net for what a re-enable left behind (every re-enable path
 * releases under the expansion lock, so an expansion that read "disabled" commits before it; an
 * endpoint enabled otherwise, e.g. by hand in the database, is caught here): makes due the parked deliveries of endpoints
 * enabled with their service (an erasure event queued while disabled), then releases the held
 * changes of those endpoints, one transaction per service. Returns how many deliveries were made
 * due and events queued (0: nothing for the drivers to wake up for).
 */
export async function sweepHeldChanges(db: Db): Promise<number> {
  const unparked = rowsOf<{ id: string }>(
    await db.execute(sql`
      update delivery_queue d set next_attempt_at = now(), updated_at = now()
      from webhook_endpoints e, services s
      where d.state = 'pending' and d.next_attempt_at >= ${PARKED_UNTIL}::timestamptz
        and e.id = d.endpoint_id and e.enabled and s.id = e.service_id and s.enabled
      returning d.id`),
  ).length;
  const services = rowsOf<{ service_id: string }>(
    await db.execute(sql`
      select distinct e.service_id from held_changes h
      join webhook_endpoints e on e.id = h.endpoint_id and e.enabled
      join services s on s.id = e.service_id and s.enabled`),
  );
  let queued = unparked;
  for (const { service_id } of services) queued += await db.transaction((tx) => releaseHeldChanges(tx, service_id));
  return queued;
}
