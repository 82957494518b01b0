// Decryption of a secret kept in the database (issue #16). Called only where the secret is used:
// the delivery attempt that signs (src/modules/delivery/attempt-delivery.ts) and the re-encryption
// command. The secret is shown once when created, from the plaintext, never read back.
import { createDecipheriv } from "node:crypto";
import { ENCRYPTED_PREFIX, isEncryptedSecret } from "./encrypt-secret";
import type { SecretKeyring } from "./secret-keyring";

/** A stored secret that cannot be decrypted; `reason` says why, the message says it in French. */
export class SecretDecryptionError extends Error {
  readonly reason: "malformed" | "unknown_key" | "tampered";
  constructor(reason: SecretDecryptionError["reason"], message: string) {
    super(message);
    this.name = "SecretDecryptionError";
    this.reason = reason;
  }
}

/**
 * The plaintext of a stored secret. A value written before secrets were encrypted (no `v1:` prefix)
 * is returned as it is: such values are encrypted at the server's next start or by
 * `secrets:reencrypt`, and must keep signing meanwhile (docs/EXPLOITATION.md).
 * Throws `SecretDecryptionError`: `malformed` (not the v1 format), `unknown_key` (its key id is
 * neither SECRETS_ENCRYPTION_KEY nor one of SECRETS_ENCRYPTION_PREVIOUS_KEYS), `tampered` (the
 * authentication tag does not match: altered value, or another key with a colliding id).
 */
export function decryptSecret(keyring: SecretKeyring, stored: string): string {
  if (!isEncryptedSecret(stored)) return stored;
  const parts = stored.split(":");
  if (parts.length !== 5 || parts[0] !== ENCRYPTED_PREFIX) {
    throw new SecretDecryptionError("malformed", "Secret chiffré illisible : format inattendu (v1:<kid>:<iv>:<tag>:<chiffré> attendu).");
  }
  const [, kid, ivText, tagText, dataText] = parts as [string, string, string, string, string];
  const entry = [keyring.current, ...keyring.previous].find((k) => k.kid === kid);
  if (!entry) {
    throw new SecretDecryptionError(
      "unknown_key",
      `Secret chiffré avec une clé inconnue (identifiant ${kid}) : ajoutez cette clé à SECRETS_ENCRYPTION_PREVIOUS_KEYS.`,
    );
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== 12 || tag.length !== 16) {
    throw new SecretDecryptionError("malformed", "Secret chiffré illisible : vecteur d'initialisation ou étiquette de taille inattendue.");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", entry.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("tampered", `Secret chiffré altéré ou clé erronée (identifiant ${kid}) : l'étiquette d'authentification ne correspond pas.`);
  }
}
