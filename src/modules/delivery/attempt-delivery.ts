// One attempt of one delivery: vet the target, sign the stored body with the live secrets and POST
// it. Returns what happened; the caller records it. Never throws. The only place that decrypts the
// signing secrets (issue #16): they exist in plaintext only for the time of the signature.
import { isAppError } from "@/modules/errors/app-error";
import { decryptSecret, SecretDecryptionError } from "@/modules/secrets/decrypt-secret";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import type { UrlPolicy } from "@/modules/webhooks/check-webhook-url";
import { postWebhook, type HttpOutcome } from "./post-webhook";
import { resolveTarget } from "./resolve-target";
import { buildWebhookRequest } from "./build-webhook-request";
import { liveSecrets, type SigningKeys } from "./sign-webhook";

export type AttemptTarget = SigningKeys & { eventId: string; url: string; body: string | null };

export type AttemptOutcome = HttpOutcome & { startedAt: Date };

export async function attemptDelivery(
  target: AttemptTarget,
  options: { urlPolicy: UrlPolicy; timeoutMs: number; keyring: SecretKeyring },
): Promise<AttemptOutcome> {
  const startedAt = new Date();
  const failed = (errorClass: string, errorMessage: string): AttemptOutcome => ({
    startedAt,
    statusCode: null,
    excerpt: null,
    retryAfter: null,
    errorClass,
    errorMessage,
    durationMs: Date.now() - startedAt.getTime(),
  });
  if (target.body === null) return failed("purged", "Le contenu de cette livraison a été purgé (durée de conservation dépassée).");
  let vetted;
  try {
    vetted = await resolveTarget(target.url, options.urlPolicy);
  } catch (error) {
    // Refused before any connection: the URL is invalid, does not resolve, or is not public.
    if (isAppError(error)) return failed(/ne se résout pas/.test(error.message) ? "dns" : "blocked", error.message);
    return failed("dns", String(error).slice(0, 500));
  }
  let secrets: string[];
  try {
    secrets = liveSecrets(target, startedAt).map((stored) => decryptSecret(options.keyring, stored));
  } catch (error) {
    // A missing previous key or an altered value: nothing is sent, the attempt fails with the cause.
    if (error instanceof SecretDecryptionError) return failed("secret", error.message);
    throw error;
  }
  const request = buildWebhookRequest(target.eventId, target.body, secrets, startedAt);
  const outcome = await postWebhook(vetted, request.headers, request.body, options.timeoutMs);
  return { ...outcome, startedAt };
}
