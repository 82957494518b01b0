// Turns a service's webhook endpoint on or off from the console (re-enabling clears the automatic
// disable bookkeeping and makes waiting deliveries due, in upsertEndpoint, and releases the held
// changes when the service is enabled too).
import type { Db } from "@/db/client";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { expandEventsIn } from "@/modules/outbox/expand-events";
import { releaseHeldChanges } from "@/modules/outbox/release-held-changes";
import { redactEndpoint, upsertEndpoint } from "@/modules/webhooks/upsert-endpoint";
import { webhookEndpoints } from "@/db/schema";
import { eq } from "drizzle-orm";

export async function setEndpointEnabled(db: Db, slug: string, enabled: boolean, actor: Actor) {
  return db.transaction(async (tx) => {
    // The changes written before the switch are expanded first, to the endpoint as it was
    // (expand-events.ts, issue #17): the switch applies to the changes written after it.
    await expandEventsIn(tx);
    const service = await requireServiceBySlug(tx, slug);
    const [existing] = await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, service.id));
    if (!existing) throw new AppError("not_found", "Ce service n'a pas de webhook configuré.");
    const { endpoint, before } = await upsertEndpoint(tx, service.id, { enabled });
    await writeAudit(tx, actor, {
      action: enabled ? "webhook_endpoint.enable" : "webhook_endpoint.disable",
      targetType: "service",
      targetId: service.id,
      before: redactEndpoint(before),
      after: redactEndpoint(endpoint),
    });
    if (enabled) await releaseHeldChanges(tx, service.id);
    return redactEndpoint(endpoint);
  });
}
