// Operator replay of one delivery: one immediate attempt (trigger `manual`) with the same
// webhook-id, a fresh timestamp and signature, logged in the same attempt log. Allowed on failed
// and on delivered deliveries (a receiver lost what it got), and on a disabled endpoint; it is not
// retried automatically and does not count toward the endpoint's health.
import { eq, sql } from "drizzle-orm";
import { deliveries, deliveryAttempts, events, webhookEndpoints, type DeliveryState } from "@/db/schema";
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { renderDeliveryBody } from "@/modules/outbox/render-delivery-body";
import { attemptDelivery } from "./attempt-delivery";
import { deliveryOptionsFromEnv, type DeliveryOptions } from "./delivery-options";

export async function replayDelivery(
  db: Db,
  deliveryId: number,
  actor: Actor,
  options: Pick<DeliveryOptions, "urlPolicy" | "timeoutMs"> = deliveryOptionsFromEnv(),
): Promise<{ deliveryId: number; state: DeliveryState }> {
  // Reserve the attempt number and write the trace first; no transaction stays open during HTTP.
  const target = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        id: deliveries.id,
        state: deliveries.state,
        eventId: deliveries.eventId,
        eventBody: events.body,
        receiverView: deliveries.receiverView,
        legacyBody: deliveries.body,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      })
      .from(deliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
      .innerJoin(events, eq(events.id, deliveries.eventId))
      .where(eq(deliveries.id, deliveryId))
      .for("update", { of: deliveries });
    if (!row) throw new AppError("not_found", "Livraison introuvable.");
    if (row.state === "pending" || row.state === "in_flight") {
      throw new AppError("conflict", "Cette livraison est déjà en file d'attente : elle sera tentée automatiquement.");
    }
    const body = renderDeliveryBody(row);
    if (body === null) {
      throw new AppError("conflict", "Le contenu de cette livraison a été purgé (durée de conservation dépassée) : elle ne peut plus être rejouée.");
    }
    const [reserved] = await tx
      .update(deliveries)
      .set({ attemptCount: sql`${deliveries.attemptCount} + 1`, updatedAt: new Date() })
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

  const outcome = await attemptDelivery(target, options);
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  return db.transaction(async (tx) => {
    await tx.insert(deliveryAttempts).values({
      deliveryId,
      attemptNumber: target.attemptNumber,
      trigger: "manual",
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      statusCode: outcome.statusCode,
      responseExcerpt: outcome.excerpt,
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
        // A successful replay settles a failed delivery; a failed replay leaves the state as it was.
        ...(ok ? { state: "delivered" as const, deliveredAt: now } : {}),
      })
      .where(sql`${deliveries.id} = ${deliveryId} and ${deliveries.state} in ('failed', 'delivered')`)
      .returning({ state: deliveries.state });
    const [current] = updated ? [updated] : await tx.select({ state: deliveries.state }).from(deliveries).where(eq(deliveries.id, deliveryId));
    return { deliveryId, state: current!.state };
  });
}
