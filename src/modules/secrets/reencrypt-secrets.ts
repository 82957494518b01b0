// Moves every webhook signing secret (current and previous) to the current encryption key
// (issue #16): after a key rotation, and at each server start for values still in plaintext (written
// before secrets were encrypted). Idempotent: a value already under the current key is left alone.
import { asc, eq } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { decryptSecret, SecretDecryptionError } from "./decrypt-secret";
import { encryptSecret, isEncryptedSecret } from "./encrypt-secret";
import type { SecretKeyring } from "./secret-keyring";

export type ReencryptReport = {
  /** Webhook endpoints examined. */
  endpoints: number;
  /** Values (current or previous secrets) written again under the current key. */
  reencrypted: number;
  /** Of those, values that were stored in plaintext. */
  fromPlaintext: number;
  /** Values left as they were (already under the current key; with `onlyPlaintext`, any encrypted one). */
  alreadyCurrent: number;
  /** The current key's id. */
  kid: string;
};

/**
 * Re-encrypts, in one transaction, every stored secret not under the keyring's current key (with
 * `onlyPlaintext`, only the values still in plaintext: what the server does at start, so that a
 * rolling restart never writes values an instance with the previous settings cannot read), and
 * writes one audit entry (`secrets.reencrypt`, counts only) when anything changed.
 * Throws `AppError("unavailable")` with a French message naming the endpoint when a value cannot be
 * decrypted (unknown key id: a previous key is missing from SECRETS_ENCRYPTION_PREVIOUS_KEYS; or an
 * altered value); nothing is written then.
 */
export async function reencryptSecrets(
  db: Db,
  keyring: SecretKeyring,
  actor: Actor,
  options: { onlyPlaintext?: boolean } = {},
): Promise<ReencryptReport> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: webhookEndpoints.id, serviceId: webhookEndpoints.serviceId, secret: webhookEndpoints.secret, previousSecret: webhookEndpoints.previousSecret })
      .from(webhookEndpoints)
      .orderBy(asc(webhookEndpoints.id))
      .for("update");
    const report: ReencryptReport = { endpoints: rows.length, reencrypted: 0, fromPlaintext: 0, alreadyCurrent: 0, kid: keyring.current.kid };
    const currentPrefix = `v1:${keyring.current.kid}:`;
    const move = (stored: string, endpointId: string): string => {
      if (stored.startsWith(currentPrefix) || (options.onlyPlaintext && isEncryptedSecret(stored))) {
        // Checked, not assumed: a value that does not decrypt is reported.
        decryptOrFail(keyring, stored, endpointId);
        report.alreadyCurrent++;
        return stored;
      }
      if (!isEncryptedSecret(stored)) report.fromPlaintext++;
      report.reencrypted++;
      return encryptSecret(keyring, decryptOrFail(keyring, stored, endpointId));
    };
    for (const row of rows) {
      const secret = move(row.secret, row.id);
      const previousSecret = row.previousSecret === null ? null : move(row.previousSecret, row.id);
      if (secret !== row.secret || previousSecret !== row.previousSecret) {
        await tx.update(webhookEndpoints).set({ secret, previousSecret }).where(eq(webhookEndpoints.id, row.id));
      }
    }
    if (report.reencrypted > 0) {
      await writeAudit(tx, actor, { action: "secrets.reencrypt", targetType: "webhook_endpoint", after: report });
    }
    return report;
  });
}

function decryptOrFail(keyring: SecretKeyring, stored: string, endpointId: string): string {
  try {
    return decryptSecret(keyring, stored);
  } catch (error) {
    if (error instanceof SecretDecryptionError) throw new AppError("unavailable", `Point de réception ${endpointId} : ${error.message}`);
    throw error;
  }
}
