// The exact request a delivery attempt sends: the fixed headers, the Standard Webhooks headers
// signed with every live secret at the attempt's time (decrypted by the caller), and the stored body. Used by the attempt
// itself (attempt-delivery.ts) and by the console's payload view (read-delivery-payload.ts), so that
// what an operator is shown is rebuilt by the same code that sent it (issue #11).
import { signatureHeaders } from "./sign-webhook";

/** Headers every webhook carries, whatever the event (CONTRACT §4). */
export const FIXED_WEBHOOK_HEADERS = { "content-type": "application/json", "user-agent": "LesCommuns-Webhooks/1.0" } as const;

/**
 * Takes the event id (`webhook-id`), the body to send, the live secrets in plaintext (current first:
 * `liveSecrets` then `decryptSecret`) and the attempt's time. Returns the headers (fixed ones first,
 * then `webhook-id`, `webhook-timestamp` in Unix seconds and `webhook-signature`, one `v1,…` per
 * secret) and the body, byte for byte as posted.
 */
export function buildWebhookRequest(eventId: string, body: string, secrets: string[], at: Date): { headers: Record<string, string>; body: string } {
  return { headers: { ...FIXED_WEBHOOK_HEADERS, ...signatureHeaders(eventId, body, secrets, at) }, body };
}
