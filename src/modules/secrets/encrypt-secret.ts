// AES-256-GCM encryption of a secret kept in the database (issue #16): a dump of the database alone
// must not let anyone sign as the hub. node:crypto, no home-made cipher: a random 96-bit IV per value
// and GCM's 128-bit tag, which makes any change to the stored value fail on decryption.
import { createCipheriv, randomBytes } from "node:crypto";
import type { SecretKeyring } from "./secret-keyring";

/** Prefix of every encrypted value; the format's version, so that a later format can coexist. */
export const ENCRYPTED_PREFIX = "v1";

/**
 * Encrypts `plaintext` (UTF-8) with the keyring's current key. Returns
 * `v1:<kid>:<iv>:<tag>:<ciphertext>` (kid: 8 hex digits; the rest base64url). No associated data:
 * a value stays valid when it moves from `secret` to `previous_secret` at a rotation.
 */
export function encryptSecret(keyring: SecretKeyring, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENCRYPTED_PREFIX, keyring.current.kid, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
}

/** True when `stored` is an encrypted value (whatever its key), false for a legacy plaintext. */
export function isEncryptedSecret(stored: string): boolean {
  return stored.startsWith(`${ENCRYPTED_PREFIX}:`);
}
