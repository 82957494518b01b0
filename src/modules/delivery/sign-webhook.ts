// Standard Webhooks signatures through the reference library, so that any receiver's library
// verifies them. During a rotation overlap the header carries one signature per live secret.
import { Webhook } from "standardwebhooks";

const signers = new Map<string, Webhook>();

function signerFor(secret: string): Webhook {
  let signer = signers.get(secret);
  if (!signer) {
    // Bounded: secrets change rarely, but never let a long-running worker grow without limit.
    if (signers.size > 1000) signers.clear();
    signer = new Webhook(secret);
    signers.set(secret, signer);
  }
  return signer;
}

export type SigningKeys = { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null };

/** Current secret first, then the previous one while its overlap lasts. */
export function liveSecrets(keys: SigningKeys, now: Date = new Date()): string[] {
  const secrets = [keys.secret];
  if (keys.previousSecret && keys.previousSecretExpiresAt && keys.previousSecretExpiresAt > now) secrets.push(keys.previousSecret);
  return secrets;
}

export function signatureHeaders(messageId: string, body: string, secrets: string[], now: Date = new Date()) {
  const signature = secrets.map((s) => signerFor(s).sign(messageId, now, body)).join(" ");
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signature,
  };
}
