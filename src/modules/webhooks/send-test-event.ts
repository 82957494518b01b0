// A `test.ping` event to one service's endpoint only, through the normal outbox: it is signed,
// retried and logged like any delivery. The caller wakes the driver (kickDelivery) after it returns.
import { eq } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { enqueueEvent } from "@/modules/outbox/enqueue-event";

export async function sendTestEvent(db: Db, serviceId: string, actor: Actor): Promise<{ eventId: string }> {
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, serviceId));
    if (!endpoint) throw new AppError("not_found", "Ce service n'a pas de webhook configuré.");
    const { eventId, deliveries } = await enqueueEvent(tx, {
      type: "test.ping",
      onlyServiceId: serviceId,
      data: { message: "Événement de test envoyé depuis Les Communs." },
    });
    if (deliveries === 0) throw new AppError("conflict", "Le webhook ou le service est désactivé : aucun événement de test n'a été envoyé.");
    await writeAudit(tx, actor, { action: "webhook_endpoint.test", targetType: "service", targetId: serviceId, after: { eventId } });
    return { eventId };
  });
}
