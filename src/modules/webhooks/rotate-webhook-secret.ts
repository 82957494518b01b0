// Secret rotation with an overlap: the old secret keeps signing (next to the new one) until the
// overlap ends, so receivers can switch without losing a delivery. Rotating again during an overlap
// drops the oldest secret: only one previous secret is kept.
import { eq } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { encryptSecret } from "@/modules/secrets/encrypt-secret";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import { generateWebhookSecret } from "./generate-webhook-secret";

export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/**
 * Gives the service's endpoint a new secret, returned once (plaintext) and stored encrypted with
 * `keyring`; the old one, copied as stored (still encrypted), keeps signing for `overlapMs`.
 * Throws `not_found` when the service has no endpoint.
 */
export async function rotateWebhookSecret(
  db: Db,
  serviceId: string,
  actor: Actor,
  keyring: SecretKeyring,
  overlapMs: number = DEFAULT_ROTATION_OVERLAP_MS,
): Promise<{ secret: string }> {
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, serviceId)).for("update");
    if (!endpoint) throw new AppError("not_found", "Ce service n'a pas de webhook configuré.");
    const secret = generateWebhookSecret();
    const now = new Date();
    const previousSecretExpiresAt = new Date(now.getTime() + overlapMs);
    await tx
      .update(webhookEndpoints)
      .set({ secret: encryptSecret(keyring, secret), previousSecret: endpoint.secret, previousSecretExpiresAt, updatedAt: now })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await writeAudit(tx, actor, {
      action: "webhook_endpoint.rotate_secret",
      targetType: "service",
      targetId: serviceId,
      after: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() },
    });
    return { secret };
  });
}
