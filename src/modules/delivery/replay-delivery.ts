// Operator replay of one delivery, on a failed or delivered delivery (a receiver lost what it got),
// with the same webhook-id, a fresh timestamp and signature, logged in the same attempt log. A
// successful replay counts as the endpoint's recovery (the receiver answers again: the console
// must stop saying "en échec", and a recovery mail goes out); a failed one is not counted toward
// the endpoint's failures, which the worker's own attempts measure. Lanes stay one-at-a-time (issue #15 item 5): when another
// delivery of the same (endpoint, project) is queued or in flight, the replay is queued behind it
// (state `pending`, its next attempt logged `manual`, a fresh retry cycle) and the worker sends it
// once nothing of its lane is in flight; otherwise one immediate attempt is made, with the delivery
// leased `in_flight` meanwhile so that no later delivery of its lane is claimed alongside.
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { deliveries, deliveryAttempts, deliveryLog, events, webhookEndpoints, type DeliveryState } from "@/db/schema";
import { rowsOf, type Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { expandEventsIn } from "@/modules/outbox/expand-events";
import { renderDeliveryBody } from "@/modules/outbox/render-delivery-body";
import { attemptDelivery } from "./attempt-delivery";
import { deliveryScopeCondition, type DeliveryScope } from "./delivery-scope";
import { type DeliveryOptions } from "./delivery-options";
import { laneIsBusy } from "./hold-lane-for-replay";
import { moveDeliveriesSql, requeuedForReplay } from "./move-deliveries";
import { recordEndpointHealth, type EndpointHealthOptions } from "./record-endpoint-health";

/**
 * Replays delivery `scope.deliveryId` for `actor`. Takes the optional service scope (issue #12): a
 * delivery to another service is not found (nothing of it is locked or changed). Returns its state
 * afterwards: `delivered` (the attempt got a 2xx), `failed` or `delivered` unchanged (the attempt
 * failed), or `pending` (queued behind its lane). Throws AppError `not_found`, or `conflict` when
 * it is already queued or in flight or its body was purged. The HTTP attempt runs outside any
 * transaction, bounded by `timeoutMs`; `options` come from the caller's settings
 * (`deliveryOptionsFromEnv` in src/server).
 */
export async function replayDelivery(
  db: Db,
  scope: DeliveryScope,
  actor: Actor,
  options: Pick<DeliveryOptions, "urlPolicy" | "timeoutMs" | "keyring"> & EndpointHealthOptions,
): Promise<{ deliveryId: number; state: DeliveryState }> {
  const { deliveryId } = scope;
  const inScope = deliveryScopeCondition(scope, { id: deliveries.id, serviceId: deliveries.serviceId });
  const owner = `replay:${randomBytes(6).toString("hex")}`;
  // Reserve the attempt (lease) and write the trace first; no transaction stays open during HTTP.
  const target = await db.transaction(async (tx) => {
    const [lane] = await tx
      .select({ projectId: deliveries.projectId, eventId: deliveries.eventId })
      .from(deliveries)
      .where(inScope);
    if (!lane) throw new AppError("not_found", "Livraison introuvable.");
    // The event first: retention deletes an old event with its settled deliveries, under its row
    // lock (purge-old-events.ts), and must not do so while its delivery re-enters the queue, where
    // it would be left without its event. Taken before the delivery's row, as retention does.
    const [event] = rowsOf<{ id: string }>(await tx.execute(sql`select id from events where id = ${lane.eventId} for key share`));
    if (!event) throw new AppError("not_found", "Livraison introuvable.");
    // No later delivery of the lane may be queued between the check below and the commit. Writes
    // queue an event for expansion under their project's row lock: changes of this project wait
    // for this transaction (row lock taken before the delivery's, as a change does). Expansions
    // insert the deliveries, under the expansion lock: taken here first (before the project lock,
    // the order of every holder of both, release-held-changes.ts), after expanding what was already
    // written, so that the lane check sees it.
    if (lane.projectId) {
      await expandEventsIn(tx);
      await tx.execute(sql`select 1 from projects where id = ${lane.projectId} for share`);
    }
    // Only a settled delivery is replayed: it is in the log, locked there until it moves.
    const [row] = await tx
      .select({
        id: deliveryLog.id,
        state: deliveryLog.state,
        eventId: deliveryLog.eventId,
        endpointId: deliveryLog.endpointId,
        projectId: deliveryLog.projectId,
        eventBody: events.body,
        porteurHash: events.porteurEmailHash,
        receiverView: deliveryLog.receiverView,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      })
      .from(deliveryLog)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveryLog.endpointId))
      .innerJoin(events, eq(events.id, deliveryLog.eventId))
      .where(eq(deliveryLog.id, deliveryId))
      .for("update", { of: deliveryLog });
    if (!row) {
      // Queued, or gone (retention): one read of both tables, in one snapshot.
      const [queued] = rowsOf(await tx.execute(sql`select 1 from deliveries where id = ${deliveryId}`));
      if (!queued) throw new AppError("not_found", "Livraison introuvable.");
      throw new AppError("conflict", "Cette livraison est déjà en file d'attente : elle sera tentée automatiquement.");
    }
    const body = renderDeliveryBody(row);
    if (body === null) {
      throw new AppError("conflict", "Le contenu de cette livraison a été purgé (durée de conservation dépassée) : elle ne peut plus être rejouée.");
    }
    if (row.projectId && (await laneIsBusy(tx, deliveryId, row.endpointId, row.projectId))) {
      await tx.execute(
        moveDeliveriesSql({
          from: "delivery_log",
          to: "delivery_queue",
          where: sql`d.id = ${deliveryId}`,
          set: requeuedForReplay,
        }),
      );
      await writeAudit(tx, actor, {
        action: "delivery.replay",
        targetType: "delivery",
        targetId: String(deliveryId),
        before: { state: row.state },
        after: { state: "pending" },
      });
      await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
      return null;
    }
    // Leased in the queue for the attempt, so that no later delivery of its lane is claimed alongside.
    const [reserved] = rowsOf<{ attempt_count: number }>(
      await tx.execute(
        moveDeliveriesSql({
          from: "delivery_log",
          to: "delivery_queue",
          where: sql`d.id = ${deliveryId}`,
          set: {
            state: sql`'in_flight'`,
            lease_owner: sql`${owner}`,
            lease_expires_at: sql`now() + ${options.timeoutMs + 15_000} * interval '1 millisecond'`,
            attempt_count: sql`moved.attempt_count + 1`,
            updated_at: sql`now()`,
          },
          returning: sql`attempt_count`,
        }),
      ),
    );
    await writeAudit(tx, actor, {
      action: "delivery.replay",
      targetType: "delivery",
      targetId: String(deliveryId),
      before: { state: row.state },
      after: { attempt: reserved!.attempt_count },
    });
    return { ...row, body, attemptNumber: reserved!.attempt_count };
  });
  if (target === null) return { deliveryId, state: "pending" };

  const outcome = await attemptDelivery(target, options);
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const recorded = await db.transaction(async (tx) => {
    // The delivery's queue row first, as the worker's statements lock theirs before the daily counts
    // (record-results.ts, the claim's lost attempts): inserting the attempt takes today's attempt
    // count until commit, and waiting for a worker that took over an expired lease while holding
    // it deadlocked with that worker's lost-attempt insert (review of migration 0036).
    await tx.execute(sql`select id from delivery_queue where id = ${deliveryId} for update`);
    // As in record-results.ts: an erasure of the porteur that committed during the attempt has
    // cleared the event's hash, and an echoed excerpt is then not kept (issue #15 item 7).
    let excerpt = outcome.excerpt;
    if (excerpt !== null && target.porteurHash !== null) {
      const [event] = rowsOf<{ porteur_email_hash: string | null }>(
        await tx.execute(sql`select porteur_email_hash from events where id = ${target.eventId} for share`),
      );
      if (event?.porteur_email_hash !== target.porteurHash) excerpt = null;
    }
    await tx.insert(deliveryAttempts).values({
      deliveryId,
      attemptNumber: target.attemptNumber,
      trigger: "manual",
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      statusCode: outcome.statusCode,
      responseExcerpt: excerpt,
      errorClass: outcome.errorClass,
      errorMessage: outcome.errorMessage,
    });
    // Back to the log: delivered on a 2xx, else with the state it had. Only while this replay still
    // holds the lease (a worker takes over an expired one, and then it is that worker's).
    const lastError = ok ? null : outcome.errorClass === "http" ? `HTTP ${outcome.statusCode}` : `${outcome.errorClass}: ${outcome.errorMessage ?? ""}`.slice(0, 500);
    const [updated] = rowsOf<{ state: DeliveryState }>(
      await tx.execute(
        moveDeliveriesSql({
          from: "delivery_queue",
          to: "delivery_log",
          where: sql`d.id = ${deliveryId} and d.state = 'in_flight' and d.lease_owner = ${owner}`,
          set: {
            state: sql`${ok ? "delivered" : target.state}::text`,
            last_status_code: sql`${outcome.statusCode}::int`,
            last_error: sql`${lastError}::text`,
            delivered_at: ok ? sql`now()` : sql`moved.delivered_at`,
            updated_at: sql`now()`,
          },
          returning: sql`state`,
        }),
      ),
    );
    // Later deliveries of the lane waited for this one.
    if (target.projectId) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
    const [current] = updated ? [updated] : await tx.select({ state: deliveries.state }).from(deliveries).where(eq(deliveries.id, deliveryId));
    return { deliveryId, state: current!.state, accepted: Boolean(updated) };
  });
  if (ok && recorded.accepted) {
    await recordEndpointHealth(db, [{ deliveryId, endpointId: target.endpointId, outcome, delivered: true }], options, {
      failing: [],
      disabled: [],
      alerted: [],
    });
  }
  return { deliveryId, state: recorded.state };
}
