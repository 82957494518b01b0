// Standard Webhooks signatures, so that any receiver's library verifies them. During a rotation
// overlap the header carries one signature per live secret. The reference library reads the
// secret (its format and checks); the HMAC is Node's (issue #17: the library's pure-JavaScript
// SHA-256 was 1.4–2 % of the hub's thread under ingest with delivery). sign-webhook.test.ts checks
// that both give the same signature.
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";

const keys = new Map<string, Uint8Array>();

/** The HMAC key of a secret, as the reference library decodes it (throws as it does on a bad secret). */
function keyOf(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    // Bounded: secrets change rarely, but never let a long-running worker grow without limit.
    if (keys.size > 1000) keys.clear();
    key = (new Webhook(secret) as unknown as { key: Uint8Array }).key;
    if (!(key instanceof Uint8Array)) throw new Error("standardwebhooks: the secret's key was not found");
    keys.set(secret, key);
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<seconds>.<body>">`, the reference library's `sign`. */
function sign(secret: string, messageId: string, now: Date, body: string): string {
  const toSign = `${messageId}.${Math.floor(now.getTime() / 1000)}.${body}`;
  return `v1,${createHmac("sha256", keyOf(secret)).update(toSign, "utf8").digest("base64")}`;
}

export type SigningKeys = { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null };

/** Current secret first, then the previous one while its overlap lasts. */
export function liveSecrets(keys: SigningKeys, now: Date = new Date()): string[] {
  const secrets = [keys.secret];
  if (keys.previousSecret && keys.previousSecretExpiresAt && keys.previousSecretExpiresAt > now) secrets.push(keys.previousSecret);
  return secrets;
}

export function signatureHeaders(messageId: string, body: string, secrets: string[], now: Date = new Date()) {
  const signature = secrets.map((s) => sign(s, messageId, now, body)).join(" ");
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signature,
  };
}
