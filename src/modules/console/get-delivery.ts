// One delivery with its attempt log (status, duration, response excerpt, error).
import { asc, eq, getViewSelectedFields } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveries, deliveryAttempts, events, services, webhookEndpoints } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { deliveryScopeCondition } from "@/modules/delivery/delivery-scope";

/**
 * Delivery `deliveryId` with its receiver, event and attempts (oldest first). Takes an optional
 * `serviceId` (the services' own space, issue #12): a delivery to another service is then not
 * found, by the same query and with the same error as one that does not exist. Throws AppError
 * `not_found`.
 */
export async function getDelivery(db: DbOrTx, deliveryId: number, options: { serviceId?: string } = {}) {
  const [row] = await db
    .select({ delivery: getViewSelectedFields(deliveries), serviceSlug: services.slug, serviceNom: services.nom, endpointUrl: webhookEndpoints.url, eventCreatedAt: events.createdAt, changements: events.changements })
    .from(deliveries)
    .innerJoin(services, eq(services.id, deliveries.serviceId))
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(deliveryScopeCondition({ deliveryId, serviceId: options.serviceId }, { id: deliveries.id, serviceId: deliveries.serviceId }))
    .limit(1);
  if (!row) throw new AppError("not_found", `Livraison n° ${deliveryId} introuvable.`);
  const attempts = await db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(deliveryAttempts.id));
  const { leaseOwner: _owner, ...delivery } = row.delivery;
  return {
    ...delivery,
    serviceSlug: row.serviceSlug,
    serviceNom: row.serviceNom,
    endpointUrl: row.endpointUrl,
    eventCreatedAt: row.eventCreatedAt,
    changements: row.changements,
    attempts,
  };
}
