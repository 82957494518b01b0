// The part of a replay that keeps its lane one-at-a-time (issue #15 item 5). A replayed delivery
// becomes unfinished again while later deliveries of its (endpoint, project) lane may be queued or in
// flight, and a claim that read the lane before the replay committed must not take one of them.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Tx } from "@/db/client";

/**
 * SQL that moves the queued deliveries of the given lanes (a subquery or VALUES yielding
 * `endpoint_id, project_id`) out of the due range for one second, except `exceptIds`. The UPDATE
 * waits for any claim holding one of them, and a claim that read the lane before this transaction
 * committed re-checks the row it locks and finds it no longer due: it cannot take a later delivery
 * while the replayed one becomes the lane's head. They are behind that head anyway.
 */
export function pushBackLanesSql(lanes: SQL, exceptIds: SQL): SQL {
  return sql`
    update delivery_queue o
    set next_attempt_at = greatest(o.next_attempt_at, clock_timestamp() + interval '1 second')
    from (${lanes}) as l(endpoint_id, project_id)
    where o.endpoint_id = l.endpoint_id and o.project_id = l.project_id and o.state = 'pending'
      and o.id not in (${exceptIds})`;
}

/**
 * Within a replay's transaction, for the delivery `deliveryId` of lane (`endpointId`, `projectId`):
 * holds the lane (see `pushBackLanesSql`) and returns true when another delivery of the lane is
 * still unfinished (queued or in flight), read after any claim in progress on it has committed.
 * The caller must already hold the expansion lock (having expanded what was written: expand-events.ts)
 * and then the project row's lock, so that no change queues a new one meanwhile: writers queue under
 * the project lock, expansions insert the deliveries under the expansion lock.
 */
export async function laneIsBusy(tx: Tx, deliveryId: number, endpointId: string, projectId: string): Promise<boolean> {
  await tx.execute(pushBackLanesSql(sql`values (${endpointId}::uuid, ${projectId}::uuid)`, sql`${deliveryId}::bigint`));
  const [row] = rowsOf<{ busy: boolean }>(
    await tx.execute(sql`
      select exists (
        select 1 from delivery_queue
        where endpoint_id = ${endpointId} and project_id = ${projectId} and id <> ${deliveryId}) as busy`),
  );
  return Boolean(row?.busy);
}
