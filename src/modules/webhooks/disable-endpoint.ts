// Automatic disabling of a receiver (410 Gone, or failing for days without a success). Its queued
// deliveries become `failed`, so that they are visible and can be replayed once it is re-enabled.
import { and, eq } from "drizzle-orm";
import { deliveries, webhookEndpoints } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { writeAudit } from "@/modules/audit/write-audit";

export async function disableEndpointAutomatically(tx: DbOrTx, endpointId: string, reason: string): Promise<boolean> {
  const now = new Date();
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning({ serviceId: webhookEndpoints.serviceId, url: webhookEndpoints.url });
  if (!endpoint) return false;
  await tx
    .update(deliveries)
    .set({ state: "failed", lastError: `Point de terminaison désactivé : ${reason}`, updatedAt: now })
    .where(and(eq(deliveries.endpointId, endpointId), eq(deliveries.state, "pending")));
  await writeAudit(tx, { type: "system", label: "livraison des webhooks" }, {
    action: "webhook_endpoint.disable_auto",
    targetType: "service",
    targetId: endpoint.serviceId,
    before: { url: endpoint.url, enabled: true },
    after: { url: endpoint.url, enabled: false, reason },
  });
  return true;
}
