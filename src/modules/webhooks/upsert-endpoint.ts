import { eq } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { encryptSecret } from "@/modules/secrets/encrypt-secret";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import { generateWebhookSecret } from "./generate-webhook-secret";
import { makeDeliveriesDue } from "./make-deliveries-due";
import { parkDeliveries } from "./park-deliveries";

/**
 * Sets a service's webhook URL (one endpoint per service). A new endpoint gets a fresh secret, which
 * is returned so that it can be shown once and stored encrypted with `keyring` (needed to create an
 * endpoint; issue #16); an existing endpoint keeps its secret. A URL change or
 * a re-enable makes the endpoint's waiting deliveries due at once (CONTRACT §8), a disable parks
 * them; releasing its held changes is the caller's part (`releaseHeldChanges`, which also needs
 * the service enabled).
 */
export async function upsertEndpoint(
  tx: DbOrTx,
  serviceId: string,
  change: { url?: string; enabled?: boolean },
  keyring?: SecretKeyring,
): Promise<{ endpoint: typeof webhookEndpoints.$inferSelect; secretCreated: string | null; before: typeof webhookEndpoints.$inferSelect | null }> {
  const [existing] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, serviceId)).limit(1);
  if (!existing) {
    if (!change.url) throw new Error("upsertEndpoint: a URL is needed to create an endpoint");
    if (!keyring) throw new Error("upsertEndpoint: the secrets keyring is needed to create an endpoint");
    const secret = generateWebhookSecret();
    const [endpoint] = await tx
      .insert(webhookEndpoints)
      .values({ serviceId, url: change.url, enabled: change.enabled ?? true, secret: encryptSecret(keyring, secret) })
      .returning();
    return { endpoint: endpoint!, secretCreated: secret, before: null };
  }
  const enabling = change.enabled === true && !existing.enabled;
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({
      url: change.url ?? existing.url,
      enabled: change.enabled ?? existing.enabled,
      // Re-enabling clears the automatic-disable bookkeeping.
      ...(enabling ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null } : {}),
      ...(change.enabled === false && existing.enabled ? { disabledReason: "manuel", disabledAt: new Date() } : {}),
      updatedAt: new Date(),
    })
    .where(eq(webhookEndpoints.id, existing.id))
    .returning();
  if (change.enabled === false && existing.enabled) await parkDeliveries(tx, existing.id);
  else if (enabling || endpoint!.url !== existing.url) await makeDeliveriesDue(tx, existing.id);
  return { endpoint: endpoint!, secretCreated: null, before: existing };
}

/** What the audit log may keep of an endpoint: never its secrets. */
export function redactEndpoint(e: typeof webhookEndpoints.$inferSelect | null) {
  return e ? { url: e.url, enabled: e.enabled } : null;
}
