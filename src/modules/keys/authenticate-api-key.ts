import { timingSafeEqual } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { apiKeys, catalogVersion, services } from "@/db/schema";
import type { Db } from "@/db/client";
import { hashApiKey, prefixOfApiKey } from "./generate-api-key";

export type AuthenticatedService = { id: string; slug: string; nom: string; keyId: string; catalogVersion: number };

/** Minimum gap between two `last_used_at` writes for one key: the value is informative, not a ledger. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

/**
 * Finds the enabled service owning an active key. The hash comparison is constant-time; an unknown
 * prefix still pays for one comparison so that timing tells nothing about which prefixes exist.
 */
export async function authenticateApiKey(db: Db, presented: string): Promise<AuthenticatedService | null> {
  const prefix = prefixOfApiKey(presented);
  const presentedHash = Buffer.from(hashApiKey(presented), "hex");
  if (!prefix) {
    timingSafeEqual(presentedHash, presentedHash);
    return null;
  }
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      keyHash: apiKeys.keyHash,
      id: services.id,
      slug: services.slug,
      nom: services.nom,
      enabled: services.enabled,
      // In the same round trip: whether the status catalog cached in process is still current.
      catalogVersion: sql<number>`(select ${catalogVersion.version} from ${catalogVersion})`.mapWith(Number),
    })
    .from(apiKeys)
    .innerJoin(services, eq(services.id, apiKeys.serviceId))
    .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)))
    .limit(1);
  const storedHash = Buffer.from(row?.keyHash ?? hashApiKey(`${presented}#absent`), "hex");
  const matches = timingSafeEqual(presentedHash, storedHash);
  if (!row || !matches || !row.enabled) return null;

  const now = Date.now();
  if ((lastUsedWrites.get(row.keyId) ?? 0) + LAST_USED_WRITE_INTERVAL_MS <= now) {
    lastUsedWrites.set(row.keyId, now);
    await db.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, row.keyId));
  }
  return { id: row.id, slug: row.slug, nom: row.nom, keyId: row.keyId, catalogVersion: row.catalogVersion };
}
