import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeys, catalogVersion, services } from "@/db/schema";
import { noteApiKeyUse } from "./admit-api-key";
import { identifyApiKey } from "./identify-api-key";

export type AuthenticatedService = { id: string; slug: string; nom: string; keyId: string; catalogVersion: number };

/**
 * The enabled service a presented key authenticates as, now: its secret matches (`identifyApiKey`)
 * and, read from the database at this call, the key is not revoked and its service is enabled.
 * Returns null otherwise; records the key's use (`noteApiKeyUse`). Counts nothing: a request of the API goes through `admitApiKey`, which
 * makes the same check in the statement that counts it against the service's rate limit.
 */
export async function authenticateApiKey(db: DbOrTx, presented: string): Promise<AuthenticatedService | null> {
  const key = await identifyApiKey(db, presented);
  if (!key) return null;
  const [row] = await db
    .select({
      id: services.id,
      slug: services.slug,
      nom: services.nom,
      catalogVersion: sql<number>`(select ${catalogVersion.version} from ${catalogVersion})`.mapWith(Number),
    })
    .from(apiKeys)
    .innerJoin(services, eq(services.id, apiKeys.serviceId))
    .where(and(eq(apiKeys.id, key.keyId), isNull(apiKeys.revokedAt), eq(services.enabled, true)));
  if (!row) return null;
  await noteApiKeyUse(db, key.keyId);
  return { ...row, keyId: key.keyId };
}
