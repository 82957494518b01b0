import type { DbOrTx } from "@/db/client";
import type { EndpointView } from "@/modules/services/service-schemas";
import { viewService } from "@/modules/services/find-service";

/** What an agent's space shows of one service's integration (issue #12), never a key or a secret. */
export type IntegrationHealth = {
  serviceId: string;
  slug: string;
  nom: string;
  enabled: boolean;
  /** Null when the service has no webhook endpoint. */
  endpoint: EndpointView | null;
};

/**
 * Reads one service's integration health: the endpoint state the CLI and the console show (URL,
 * enabled, held changes, failing since, last success, subscription). The caller has checked that
 * the service is one of the agent's (the guard); throws `not_found` when it does not exist.
 */
export async function viewIntegrationHealth(db: DbOrTx, serviceId: string): Promise<IntegrationHealth> {
  const { id, slug, nom, enabled, endpoint } = await viewService(db, serviceId);
  return { serviceId: id, slug, nom, enabled, endpoint };
}
