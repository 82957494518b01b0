import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import type { Actor } from "@/modules/audit/write-audit";
import { revokeApiKey } from "./revoke-api-key";

/**
 * Revokes one of a service's keys by its prefix (console and agents' space, issue #12): the key must
 * belong to the service shown on screen. Returns `{revoked, revokedAt}` (idempotent). Throws
 * `not_found` — the same for another service's key as for no key, so nothing leaks across services.
 */
export async function revokeServiceApiKey(tx: DbOrTx, serviceId: string, prefix: string, actor: Actor) {
  const [key] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.prefix, prefix), eq(apiKeys.serviceId, serviceId)));
  if (!key) throw new AppError("not_found", "Clé introuvable pour ce service.");
  return revokeApiKey(tx, prefix, actor);
}
