import { timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys, services } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { hashApiKey, prefixOfApiKey } from "./generate-api-key";

/** A key whose secret matched its stored hash: which key, of which service. */
export type ApiKeyIdentity = { keyId: string; serviceId: string; prefix: string };

type KnownKey = { keyId: string; serviceId: string; hash: Buffer };

/**
 * Keys that matched once, per database handle (tests open several handles in one process) and by
 * prefix: a known key is recognised without a query. Only what never changes for a key is kept (its
 * id, service and hash): whether it may still be used is checked by `admitApiKey` in the statement
 * that counts the request, on every request, so a revocation needs no invalidation here.
 */
const knownKeys = new WeakMap<object, Map<string, KnownKey>>();
/** Far above the number of keys in use; only keys that matched are kept, so this is only a bound. */
const MAX_KNOWN_KEYS = 10_000;

/**
 * Identifies the key presented in a request: returns its id and service, or null when it is
 * malformed, unknown, revoked at the time of the lookup, of a disabled service, or when its secret
 * does not match. A key identified here is not yet admitted: `admitApiKey` checks that it is still
 * active. Timing may tell whether a prefix exists (an unknown or malformed one answers without a
 * database row or a comparison): prefixes are not secret (shown in the console, the audit log and
 * the 401 log lines), and guessing is throttled per client address (withApiKey). What protects a key
 * is its 256-bit secret part, and the comparison of the whole key's hash with the stored one is
 * constant-time (issue #14, finding 9), from memory or from the database alike.
 */
export async function identifyApiKey(db: DbOrTx, presented: string): Promise<ApiKeyIdentity | null> {
  const prefix = prefixOfApiKey(presented);
  if (!prefix) return null;
  let known = knownKeys.get(db);
  if (!known) knownKeys.set(db, (known = new Map()));
  let key = known.get(prefix);
  if (!key) {
    const [row] = await db
      .select({ keyId: apiKeys.id, keyHash: apiKeys.keyHash, serviceId: services.id })
      .from(apiKeys)
      .innerJoin(services, eq(services.id, apiKeys.serviceId))
      .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt), eq(services.enabled, true)))
      .limit(1);
    if (!row) return null;
    key = { keyId: row.keyId, serviceId: row.serviceId, hash: Buffer.from(row.keyHash, "hex") };
    if (!timingSafeEqual(Buffer.from(hashApiKey(presented), "hex"), key.hash)) return null;
    if (known.size >= MAX_KNOWN_KEYS) known.clear();
    known.set(prefix, key);
    return { keyId: key.keyId, serviceId: key.serviceId, prefix };
  }
  if (!timingSafeEqual(Buffer.from(hashApiKey(presented), "hex"), key.hash)) return null;
  return { keyId: key.keyId, serviceId: key.serviceId, prefix };
}

/** Forgets a key identified earlier (it was found revoked or its service disabled). */
export function forgetApiKey(db: DbOrTx, prefix: string): void {
  knownKeys.get(db)?.delete(prefix);
}
