import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { services, webhookEndpoints } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { releaseHeldChanges } from "@/modules/outbox/release-held-changes";
import { checkWebhookUrl, type UrlPolicy } from "@/modules/webhooks/check-webhook-url";
import { makeDeliveriesDue } from "@/modules/webhooks/make-deliveries-due";
import { parkDeliveries } from "@/modules/webhooks/park-deliveries";
import { redactEndpoint, upsertEndpoint } from "@/modules/webhooks/upsert-endpoint";
import { requireServiceBySlug, viewService } from "./find-service";
import type { ServiceView, UpdateServiceInput } from "./service-schemas";
import { checkEvenements, checkTerritoires } from "@/modules/subscriptions/territories";
import type { Tx } from "@/db/client";
import { expandEventsIn } from "@/modules/outbox/expand-events";

/**
 * Sets the endpoint's subscription (CONTRACT §8 "Subscriptions"): `evenements`/`territoires`
 * given replace the stored list (deduplicated, sorted), null resets it to all, absent keeps it.
 * Audited. Throws `validation_failed` when the service has no endpoint yet.
 */
async function setSubscription(
  tx: Tx,
  serviceId: string,
  input: Pick<UpdateServiceInput, "evenements" | "territoires">,
  actor: Actor,
): Promise<void> {
  const [before] = await tx
    .select({ id: webhookEndpoints.id, evenements: webhookEndpoints.evenements, territoires: webhookEndpoints.territoires })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.serviceId, serviceId))
    .for("update");
  if (!before) {
    throw AppError.validation([
      { path: input.evenements !== undefined ? "evenements" : "territoires", message: "ce service n'a pas encore d'URL de webhook : indiquez-la d'abord" },
    ]);
  }
  const list = (v: string[] | null | undefined, current: string[] | null) => (v === undefined ? current : v === null ? null : [...new Set(v)].sort());
  const after = { evenements: list(input.evenements, before.evenements), territoires: list(input.territoires, before.territoires) };
  await tx.update(webhookEndpoints).set({ ...after, updatedAt: new Date() }).where(eq(webhookEndpoints.id, before.id));
  await writeAudit(tx, actor, {
    action: "webhook_endpoint.subscription",
    targetType: "service",
    targetId: serviceId,
    before: { evenements: before.evenements, territoires: before.territoires },
    after,
  });
}

/**
 * Renames, enables/disables a service, or sets its webhook URL. `enabled: true` enables the
 * service and its endpoint (whatever disabled it: an operator, a 410, days of failures), and
 * `enabled: false` disables the service only (CONTRACT §8). A re-enable or a URL change makes the
 * endpoint's waiting deliveries due now, and the held changes of the service are released in the
 * same transaction once both are enabled. Returns the service view, its `endpoint` state (url,
 * enabled, disabledReason, heldChanges) and `webhookSecret` only when the endpoint (and so its
 * secret) was created by this call. Throws `not_found` (unknown slug), `validation_failed`.
 */
export async function updateService(
  db: Db,
  input: UpdateServiceInput,
  options: { urlPolicy: UrlPolicy; actor: Actor; keyring: SecretKeyring },
): Promise<{ service: ServiceView; endpoint: ServiceView["endpoint"]; webhookSecret?: string }> {
  if (input.webhookUrl) await checkWebhookUrl(input.webhookUrl, options.urlPolicy);
  return db.transaction(async (tx) => {
    const existing = await requireServiceBySlug(tx, input.slug);
    const subscription = input.evenements !== undefined || input.territoires !== undefined;
    if (input.nom === undefined && input.enabled === undefined && input.webhookUrl === undefined && !subscription) {
      throw AppError.validation([{ path: "(corps)", message: "rien à modifier : indiquez nom, webhookUrl, enabled, evenements ou territoires" }]);
    }
    const subscriptionIssues = [
      ...checkEvenements(input.evenements ?? [], "evenements"),
      ...checkTerritoires(input.territoires ?? [], "territoires"),
    ];
    if (subscriptionIssues.length > 0) throw AppError.validation(subscriptionIssues);
    // The changes written before this update are expanded first, under the service's current state
    // and subscription (expand-events.ts, issue #17): an enable, a disable or a new subscription
    // applies to the changes written after it, as when receivers were read in the write's statement.
    await expandEventsIn(tx);
    if (input.nom !== undefined || input.enabled !== undefined) {
      const [updated] = await tx
        .update(services)
        .set({ nom: input.nom ?? existing.nom, enabled: input.enabled ?? existing.enabled, updatedAt: new Date() })
        .where(eq(services.id, existing.id))
        .returning();
      await writeAudit(tx, options.actor, {
        action: "service.update",
        targetType: "service",
        targetId: existing.id,
        before: { nom: existing.nom, enabled: existing.enabled },
        after: { nom: updated!.nom, enabled: updated!.enabled },
      });
    }
    const [endpointBefore] = await tx.select({ id: webhookEndpoints.id, enabled: webhookEndpoints.enabled }).from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, existing.id));
    let webhookSecret: string | undefined;
    const enableEndpoint = input.enabled === true && endpointBefore !== undefined && !endpointBefore.enabled;
    if (input.webhookUrl !== undefined || enableEndpoint) {
      const { endpoint, secretCreated, before } = await upsertEndpoint(tx, existing.id, {
        url: input.webhookUrl,
        ...(enableEndpoint ? { enabled: true } : {}),
      }, options.keyring);
      webhookSecret = secretCreated ?? undefined;
      await writeAudit(tx, options.actor, {
        action: input.webhookUrl !== undefined ? "webhook_endpoint.set" : "webhook_endpoint.enable",
        targetType: "service",
        targetId: existing.id,
        before: redactEndpoint(before),
        after: redactEndpoint(endpoint),
      });
    }
    if (subscription) await setSubscription(tx, existing.id, input, options.actor);
    // A service disabled: its endpoint's waiting deliveries are parked; enabled again: due now.
    if (input.enabled === false && existing.enabled && endpointBefore) await parkDeliveries(tx, endpointBefore.id);
    if (input.enabled === true && !existing.enabled && endpointBefore && !enableEndpoint) await makeDeliveriesDue(tx, endpointBefore.id);
    await releaseHeldChanges(tx, existing.id);
    const service = await viewService(tx, existing.id);
    return { service, endpoint: service.endpoint, ...(webhookSecret ? { webhookSecret } : {}) };
  });
}
