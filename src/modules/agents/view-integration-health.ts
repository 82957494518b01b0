import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { services, webhookEndpoints } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { heldChangesCount } from "@/modules/services/find-service";

/** What an agent's space shows of one service's integration (issue #12), never a key or a secret. */
export type IntegrationHealth = {
  serviceId: string;
  slug: string;
  nom: string;
  enabled: boolean;
  /** Null when the service has no webhook endpoint. Dates are ISO-8601 instants, or null. */
  endpoint: { url: string; enabled: boolean; disabledReason: string | null; heldChanges: number; failingSince: string | null; lastSuccessAt: string | null } | null;
};

/**
 * Reads one service's integration health: endpoint URL, enabled, held changes (count), failing
 * since, last success. The caller has checked that the service is one of the agent's (the guard);
 * throws `not_found` when it does not exist.
 */
export async function viewIntegrationHealth(db: DbOrTx, serviceId: string): Promise<IntegrationHealth> {
  const [row] = await db
    .select({
      serviceId: services.id,
      slug: services.slug,
      nom: services.nom,
      enabled: services.enabled,
      url: webhookEndpoints.url,
      endpointEnabled: webhookEndpoints.enabled,
      disabledReason: webhookEndpoints.disabledReason,
      heldChanges: heldChangesCount,
      failingSince: webhookEndpoints.failingSince,
      lastSuccessAt: webhookEndpoints.lastSuccessAt,
    })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .where(eq(services.id, serviceId));
  if (!row) throw new AppError("not_found", "Service connecté inconnu.");
  return {
    serviceId: row.serviceId,
    slug: row.slug,
    nom: row.nom,
    enabled: row.enabled,
    endpoint:
      row.url === null
        ? null
        : {
            url: row.url,
            enabled: row.endpointEnabled!,
            disabledReason: row.disabledReason,
            heldChanges: Number(row.heldChanges ?? 0),
            failingSince: row.failingSince?.toISOString() ?? null,
            lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
          },
  };
}
