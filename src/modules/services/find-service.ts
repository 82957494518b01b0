import { eq, sql } from "drizzle-orm";
import { services, webhookEndpoints } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { AppError } from "@/modules/errors/app-error";
import type { ServiceView } from "./service-schemas";

export async function findServiceBySlug(db: DbOrTx, slug: string) {
  const [service] = await db.select().from(services).where(eq(services.slug, slug)).limit(1);
  return service ?? null;
}

export async function requireServiceBySlug(db: DbOrTx, slug: string) {
  const service = await findServiceBySlug(db, slug);
  if (!service) throw new AppError("not_found", `Service connecté inconnu : « ${slug} ».`);
  return service;
}

/** Held changes per endpoint (CONTRACT §8), as a column expression on `webhook_endpoints`. */
export const heldChangesCount = sql<number>`(select count(*)::int from held_changes h where h.endpoint_id = ${webhookEndpoints.id})`;

/**
 * What the CLI and the console show of a service: never a key or a secret. `endpoint` is the
 * endpoint's state (CONTRACT §8: url, enabled, disabledReason, heldChanges), null without one.
 */
export async function viewService(db: DbOrTx, serviceId: string): Promise<ServiceView> {
  const [row] = await db
    .select({
      id: services.id,
      slug: services.slug,
      nom: services.nom,
      enabled: services.enabled,
      webhookUrl: webhookEndpoints.url,
      endpointEnabled: webhookEndpoints.enabled,
      disabledReason: webhookEndpoints.disabledReason,
      heldChanges: heldChangesCount,
      failingSince: webhookEndpoints.failingSince,
      lastSuccessAt: webhookEndpoints.lastSuccessAt,
      evenements: webhookEndpoints.evenements,
      territoires: webhookEndpoints.territoires,
    })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .where(eq(services.id, serviceId));
  if (!row) throw new AppError("not_found", "Service connecté inconnu.");
  const { endpointEnabled, disabledReason, heldChanges, failingSince, lastSuccessAt, evenements, territoires, ...service } = row;
  return {
    ...service,
    endpoint:
      row.webhookUrl === null
        ? null
        : {
            url: row.webhookUrl,
            enabled: endpointEnabled!,
            disabledReason,
            heldChanges: Number(heldChanges ?? 0),
            failingSince: failingSince?.toISOString() ?? null,
            lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
            evenements,
            territoires,
          },
  };
}
