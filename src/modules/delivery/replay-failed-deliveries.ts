// Operator bulk recovery: failed deliveries matching a filter re-enter the queue with a fresh retry
// cycle. Same webhook-id, same stored body; their next attempt is logged as `manual`.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db, type DbOrTx } from "@/db/client";
import { projectIdBounds } from "@/modules/console/project-id-filter";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { pushBackLanesSql } from "./hold-lane-for-replay";
import { moveDeliveriesSql, requeuedForReplay } from "./move-deliveries";

export type FailedDeliveriesFilter = {
  serviceId?: string;
  since?: Date;
  until?: Date;
  eventType?: string;
  /** A full project id or the 8-digit short id the console shows. */
  projectId?: string;
};

/** The failed deliveries a bulk replay takes for `filter` (those whose body is not purged), as conditions on `delivery_log`: failed deliveries are settled. */
export function replayableFailedConditions(filter: FailedDeliveriesFilter): SQL {
  // Purged deliveries cannot be sent again (render-delivery-body.ts).
  const conditions: SQL[] = [
    sql`state = 'failed'`,
    sql`exists (select 1 from events ev where ev.id = delivery_log.event_id and ev.body is not null)`,
  ];
  if (filter.serviceId) conditions.push(sql`service_id = ${filter.serviceId}`);
  if (filter.since) conditions.push(sql`created_at >= ${filter.since.toISOString()}::timestamptz`);
  if (filter.until) conditions.push(sql`created_at < ${filter.until.toISOString()}::timestamptz`);
  if (filter.eventType) conditions.push(sql`event_type = ${filter.eventType}`);
  if (filter.projectId) {
    // The full id or the short one the console's list shows (project-id-filter.ts).
    const [low, high] = projectIdBounds(filter.projectId);
    conditions.push(sql`event_id in (select id from events where project_id between ${low}::uuid and ${high}::uuid)`);
  }
  return sql.join(conditions, sql` and `);
}

/**
 * How many deliveries `replayFailedDeliveries` would put back in the queue for `filter` now: the
 * count the console's confirmation states ("127 livraisons vont être renvoyées", issue #11).
 */
export async function countReplayableFailed(db: DbOrTx, filter: FailedDeliveriesFilter): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from delivery_log where ${replayableFailedConditions(filter)}`));
  return Number(row?.n ?? 0);
}

/** Puts the failed deliveries of `filter` back in the queue for `actor` (audited). Returns how many. */
export async function replayFailedDeliveries(db: Db, filter: FailedDeliveriesFilter, actor: Actor): Promise<{ replayed: number }> {
  return db.transaction(async (tx) => {
    // A replayed delivery becomes its lane's head again, possibly while a later one of the lane is
    // queued or in flight: the claim sends it only once nothing of its lane is in flight, and the
    // later ones queued in its lanes are held so that no claim that read the lane before this commit
    // takes one of them alongside (hold-lane-for-replay.ts, issue #15 item 5).
    // Their events first, in id order: retention deletes an old event with its settled deliveries
    // under the event's row lock (purge-old-events.ts), and must not do so while they re-enter the
    // queue, where they would be left without their event.
    await tx.execute(sql`
      select ev.id from events ev
      where ev.id in (select event_id from delivery_log where ${replayableFailedConditions(filter)})
      order by ev.id
      for key share`);
    const rows = rowsOf<{ id: number }>(
      await tx.execute(
        moveDeliveriesSql({
          from: "delivery_log",
          to: "delivery_queue",
          ctes: sql`
            picked as (
              select id, endpoint_id, project_id from delivery_log
              where ${replayableFailedConditions(filter)}
              for update
            ),
            held as (
              ${pushBackLanesSql(sql`select distinct endpoint_id, project_id from picked where project_id is not null`, sql`select id from picked`)}
            )`,
          where: sql`d.id in (select id from picked)`,
          set: requeuedForReplay,
        }),
      ),
    );
    await writeAudit(tx, actor, {
      action: "deliveries.replay_failed",
      targetType: filter.serviceId ? "service" : "deliveries",
      targetId: filter.serviceId ?? null,
      after: {
        filter: {
          since: filter.since?.toISOString(),
          until: filter.until?.toISOString(),
          eventType: filter.eventType,
          projectId: filter.projectId,
        },
        replayed: rows.length,
      },
    });
    if (rows.length > 0) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
    return { replayed: rows.length };
  });
}
