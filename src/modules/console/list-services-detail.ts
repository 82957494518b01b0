// Connected services with what operators manage: endpoint (never its secret) and keys (prefix only).
import { asc, count, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeys, deliveryQueue, services, webhookEndpoints } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { heldChangesCount } from "@/modules/services/find-service";

function viewEndpoint(e: typeof webhookEndpoints.$inferSelect | null, heldChanges: number | null) {
  if (!e) return null;
  return {
    url: e.url,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    /** Projects whose changes wait for the endpoint to be enabled again (CONTRACT §8). */
    heldChanges: Number(heldChanges ?? 0),
    consecutiveFailures: e.consecutiveFailures,
    /** Since when it has failed without a success (issue #11: shown as "en échec depuis …"). */
    failingSince: e.failingSince,
    lastSuccessAt: e.lastSuccessAt,
    lastFailureAt: e.lastFailureAt,
    rotationUntil: e.previousSecretExpiresAt,
    /** Subscription (CONTRACT §8 "Subscriptions"): null = all event types / all territories. */
    evenements: e.evenements,
    territoires: e.territoires,
  };
}

export async function listServices(db: DbOrTx) {
  const rows = await db
    .select({ service: services, endpoint: webhookEndpoints, heldChanges: heldChangesCount })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .orderBy(asc(services.slug));
  return rows.map(({ service, endpoint, heldChanges }) => ({ ...service, endpoint: viewEndpoint(endpoint, heldChanges) }));
}

export async function getServiceDetail(db: DbOrTx, serviceId: string) {
  const [row] = await db
    .select({ service: services, endpoint: webhookEndpoints, heldChanges: heldChangesCount })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .where(eq(services.id, serviceId))
    .limit(1);
  if (!row) throw new AppError("not_found", "Service connecté introuvable.");
  const keys = await db
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.serviceId, serviceId))
    .orderBy(desc(apiKeys.createdAt));
  // Shown in the confirmation of disabling the webhook or the service (issue #11): they will wait.
  // They are the queue's (pending or in flight), not the log's.
  const [waiting] = await db.select({ n: count() }).from(deliveryQueue).where(eq(deliveryQueue.serviceId, serviceId));
  return { ...row.service, endpoint: viewEndpoint(row.endpoint, row.heldChanges), keys, waitingDeliveries: waiting?.n ?? 0 };
}
