// The keys that encrypt secrets at rest (issue #16): the current key, which encrypts, and the
// previous keys, which only decrypt until `secrets:reencrypt` has moved every value to the current
// key. Each key is known by an id derived from it, stored with every value, so that a value names
// the key it needs and rotation never guesses.
import { createHash } from "node:crypto";

export type EncryptionKey = { kid: string; key: Buffer };

export type SecretKeyring = {
  /** Encrypts every new value. */
  current: EncryptionKey;
  /** Decrypt only: values written before the last rotation. */
  previous: EncryptionKey[];
};

/**
 * A 32-byte AES-256 key written as 64 hex digits or as base64/base64url (43–44 characters).
 * Throws an Error with a French message naming what is wrong (the settings check shows it).
 */
export function parseEncryptionKey(text: string): Buffer {
  const value = text.trim();
  let key: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) key = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  else throw new Error("doit être une clé de 32 octets, en hexadécimal (64 caractères) ou en base64 (44 caractères)");
  if (key.length !== 32) throw new Error("doit être une clé de 32 octets");
  return key;
}

/** The key's id: 8 hex digits of a SHA-256 of the key (names it without revealing it). */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("les-communs:secrets-key-id:").update(key).digest("hex").slice(0, 8);
}

/**
 * Builds the keyring from the settings' text: `current` (SECRETS_ENCRYPTION_KEY) and `previous`
 * (SECRETS_ENCRYPTION_PREVIOUS_KEYS, already split). A previous key equal to the current one is
 * dropped. Throws like `parseEncryptionKey`.
 */
export function buildSecretKeyring(current: string, previous: readonly string[] = []): SecretKeyring {
  const currentKey = parseEncryptionKey(current);
  const currentKid = keyIdOf(currentKey);
  const seen = new Set([currentKid]);
  const previousKeys: EncryptionKey[] = [];
  for (const text of previous) {
    const key = parseEncryptionKey(text);
    const kid = keyIdOf(key);
    if (seen.has(kid)) continue;
    seen.add(kid);
    previousKeys.push({ kid, key });
  }
  return { current: { kid: currentKid, key: currentKey }, previous: previousKeys };
}
