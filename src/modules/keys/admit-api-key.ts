import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { preparedSql } from "@/db/prepared-sql";
import { countingStatement, countRequestWith, type RateVerdict } from "@/modules/rate-limit/count-request";
import { forgetApiKey, type ApiKeyIdentity } from "./identify-api-key";

export type AdmittedService = { id: string; slug: string; catalogVersion: number };

/** Minimum gap between two `last_used_at` writes for one key. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

/**
 * Records that the key was used now (`last_used_at`, shown in the console), at most once a minute
 * per key and process: the value is informative, and writing it at every request would cost a
 * round trip each.
 */
async function noteApiKeyUse(db: DbOrTx, keyId: string): Promise<void> {
  const now = Date.now();
  if ((lastUsedWrites.get(keyId) ?? 0) + LAST_USED_WRITE_INTERVAL_MS > now) return;
  lastUsedWrites.set(keyId, now);
  await db.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, keyId));
}

/** The statement of `admitApiKey`, built once (issue #17: it runs on every API request). */
const admission = preparedSql<"keyId">((p) =>
  countingStatement(sql`select s.id as service_id, s.slug, (select version from catalog_version) as catalog_version
        from api_keys k join services s on s.id = k.service_id
        where k.id = ${p.keyId}::uuid and k.revoked_at is null and s.enabled`),
);

/**
 * Admits one request made with an identified key (`identifyApiKey`): in a single statement,
 * checks that the key is still active (not revoked, its service enabled), counts the request
 * against the service's limit of `perMinute` requests per minute (shared by every instance,
 * `countingStatement`), and reads the service's slug and the status catalog's version (the catalog
 * cached in process stays exact across processes, load-status-catalog.ts). The check reads the
 * database on every request, so a revocation or a disabling committed by any instance refuses the
 * very next request everywhere, without a cache to invalidate.
 * @returns null when the key may no longer be used (nothing counted, and the key is forgotten);
 *   otherwise the service and the rate verdict. Throws only database errors.
 */
export async function admitApiKey(
  db: DbOrTx,
  key: ApiKeyIdentity,
  perMinute: number,
): Promise<{ service: AdmittedService; verdict: RateVerdict } | null> {
  const counted = await countRequestWith<{ service_id: string; slug: string; catalog_version: string | number }>(
    db,
    admission({ keyId: key.keyId }),
    perMinute,
  );
  if (!counted) {
    forgetApiKey(db, key.prefix);
    return null;
  }
  await noteApiKeyUse(db, key.keyId);
  const { row, verdict } = counted;
  return { service: { id: row.service_id, slug: row.slug, catalogVersion: Number(row.catalog_version) }, verdict };
}
