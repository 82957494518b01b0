import type { DbOrTx } from "@/db/client";
import type { EndpointView } from "@/modules/services/service-schemas";
import { viewService } from "@/modules/services/find-service";
import { countDeliveriesPerDay, type DeliveryDay } from "@/modules/console/count-deliveries-per-day";

/** What an agent's space shows of one service's integration (issue #12), never a key or a secret. */
export type IntegrationHealth = {
  serviceId: string;
  slug: string;
  nom: string;
  enabled: boolean;
  /** Null when the service has no webhook endpoint. */
  endpoint: EndpointView | null;
  /** The service's deliveries per day and state over 14 days (the dashboard's chart, scoped). */
  series: DeliveryDay[];
};

/**
 * Reads one service's integration health: the endpoint state the CLI and the console show (URL,
 * enabled, held changes, failing since, last success, subscription) and the service's own
 * deliveries per day and state over 14 days. The caller has checked that the service is one of
 * the agent's (the guard); throws `not_found` when it does not exist.
 */
export async function viewIntegrationHealth(db: DbOrTx, serviceId: string, now = new Date()): Promise<IntegrationHealth> {
  const { id, slug, nom, enabled, endpoint } = await viewService(db, serviceId);
  const series = await countDeliveriesPerDay(db, { now, days: 14, serviceId: id });
  return { serviceId: id, slug, nom, enabled, endpoint, series };
}
