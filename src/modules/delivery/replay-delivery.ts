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
import { deliveries, deliveryAttempts, events, webhookEndpoints, type DeliveryState } from "@/db/schema";
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
      .select({ projectId: deliveries.projectId })
      .from(deliveries)
      .where(inScope);
    if (!lane) throw new AppError("not_found", "Livraison introuvable.");
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
    const [row] = await tx
      .select({
        id: deliveries.id,
        state: deliveries.state,
        eventId: deliveries.eventId,
        endpointId: deliveries.endpointId,
        projectId: deliveries.projectId,
        eventBody: events.body,
        porteurHash: events.porteurEmailHash,
        receiverView: deliveries.receiverView,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      })
      .from(deliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
      .innerJoin(events, eq(events.id, deliveries.eventId))
      .where(inScope)
      .for("update", { of: deliveries });
    if (!row) throw new AppError("not_found", "Livraison introuvable.");
    if (row.state === "pending" || row.state === "in_flight") {
      throw new AppError("conflict", "Cette livraison est déjà en file d'attente : elle sera tentée automatiquement.");
    }
    const body = renderDeliveryBody(row);
    if (body === null) {
      throw new AppError("conflict", "Le contenu de cette livraison a été purgé (durée de conservation dépassée) : elle ne peut plus être rejouée.");
    }
    if (row.projectId && (await laneIsBusy(tx, deliveryId, row.endpointId, row.projectId))) {
      await tx
        .update(deliveries)
        .set({ state: "pending", nextAttemptAt: sql`now()`, retryStep: 0, nextTrigger: "manual", updatedAt: new Date() })
        .where(eq(deliveries.id, deliveryId));
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
    const [reserved] = await tx
      .update(deliveries)
      .set({
        state: "in_flight",
        leaseOwner: owner,
        leaseExpiresAt: sql`now() + ${options.timeoutMs + 15_000} * interval '1 millisecond'`,
        attemptCount: sql`${deliveries.attemptCount} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(deliveries.id, deliveryId))
      .returning({ attemptNumber: deliveries.attemptCount });
    await writeAudit(tx, actor, {
      action: "delivery.replay",
      targetType: "delivery",
      targetId: String(deliveryId),
      before: { state: row.state },
      after: { attempt: reserved!.attemptNumber },
    });
    return { ...row, body, attemptNumber: reserved!.attemptNumber };
  });
  if (target === null) return { deliveryId, state: "pending" };

  const outcome = await attemptDelivery(target, options);
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const recorded = await db.transaction(async (tx) => {
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
    const now = new Date();
    const [updated] = await tx
      .update(deliveries)
      .set({
        lastStatusCode: outcome.statusCode,
        lastError: ok ? null : outcome.errorClass === "http" ? `HTTP ${outcome.statusCode}` : `${outcome.errorClass}: ${outcome.errorMessage ?? ""}`.slice(0, 500),
        updatedAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        // A successful replay settles the delivery; a failed one leaves the state it had.
        state: ok ? "delivered" : target.state,
        ...(ok ? { deliveredAt: now } : {}),
      })
      // Only while this replay still holds the lease (a worker takes over an expired one).
      .where(sql`${deliveries.id} = ${deliveryId} and ${deliveries.state} = 'in_flight' and ${deliveries.leaseOwner} = ${owner}`)
      .returning({ state: deliveries.state });
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
