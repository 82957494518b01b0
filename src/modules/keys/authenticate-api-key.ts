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
 * Finds the enabled service owning an active key: takes the key as presented, returns the service or
 * null. Timing may tell whether a prefix exists (an unknown or malformed one answers without a
 * database row or a comparison): prefixes are not secret (shown in the console, the audit log and
 * the 401 log lines), and guessing is throttled per client address (withApiKey). What protects a key
 * is its 256-bit secret part, and the comparison of the whole key's hash with the stored one is
 * constant-time (issue #14, finding 9).
 */
export async function authenticateApiKey(db: Db, presented: string): Promise<AuthenticatedService | null> {
  const prefix = prefixOfApiKey(presented);
  if (!prefix) return null;
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
  if (!row) return null;
  const matches = timingSafeEqual(Buffer.from(hashApiKey(presented), "hex"), Buffer.from(row.keyHash, "hex"));
  if (!matches || !row.enabled) return null;

  const now = Date.now();
  if ((lastUsedWrites.get(row.keyId) ?? 0) + LAST_USED_WRITE_INTERVAL_MS <= now) {
    lastUsedWrites.set(row.keyId, now);
    await db.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, row.keyId));
  }
  return { id: row.id, slug: row.slug, nom: row.nom, keyId: row.keyId, catalogVersion: row.catalogVersion };
}
