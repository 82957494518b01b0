import { createHash, randomBytes } from "node:crypto";

/**
 * A key is `<prefix><id>_<secret>`: `lc_live_3fa9c2d1_…` with 256 random bits of secret. The visible
 * part up to the id (`lc_live_3fa9c2d1`) finds the row; only a SHA-256 of the whole key is stored,
 * which is enough for a random key of this entropy (no password-style stretching needed).
 */
export function generateApiKey(keyPrefix: string) {
  const prefix = `${keyPrefix}${randomBytes(4).toString("hex")}`;
  const key = `${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The visible prefix of a presented key, or null when it does not have the key's shape. */
export function prefixOfApiKey(key: string): string | null {
  const match = /^([a-z]+_[a-z]+_[0-9a-f]{8})_[A-Za-z0-9_-]{43}$/.exec(key);
  return match ? match[1]! : null;
}
