import type { Db } from "@/db/client";
import { services } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { createApiKey } from "@/modules/keys/create-api-key";
import { checkWebhookUrl, type UrlPolicy } from "@/modules/webhooks/check-webhook-url";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import { redactEndpoint, upsertEndpoint } from "@/modules/webhooks/upsert-endpoint";
import { expandEventsIn } from "@/modules/outbox/expand-events";
import { findServiceBySlug, viewService } from "./find-service";
import type { CreateServiceInput } from "./service-schemas";

/**
 * Creates a connected service with its first API key (and its endpoint when a URL is given, whose
 * secret is returned once and stored encrypted with `options.keyring`).
 */
export async function createService(
  db: Db,
  input: CreateServiceInput,
  options: { keyPrefix: string; urlPolicy: UrlPolicy; actor: Actor; keyring: SecretKeyring },
) {
  if (input.webhookUrl) await checkWebhookUrl(input.webhookUrl, options.urlPolicy);
  return db.transaction(async (tx) => {
    // A receiver from its creation on: the changes written before it are expanded first, without it
    // (expand-events.ts, issue #17), as update-service.ts does before a new URL or subscription.
    if (input.webhookUrl) await expandEventsIn(tx);
    if (await findServiceBySlug(tx, input.slug)) {
      throw new AppError("conflict", `Un service connecté a déjà le slug « ${input.slug} ».`);
    }
    const [service] = await tx.insert(services).values({ slug: input.slug, nom: input.nom }).onConflictDoNothing().returning();
    if (!service) throw new AppError("conflict", `Un service connecté a déjà le slug « ${input.slug} ».`);
    await writeAudit(tx, options.actor, {
      action: "service.create",
      targetType: "service",
      targetId: service.id,
      after: { slug: service.slug, nom: service.nom, enabled: service.enabled },
    });
    const key = await createApiKey(tx, service.id, options.keyPrefix, options.actor);
    let webhookSecret: string | undefined;
    if (input.webhookUrl) {
      const { endpoint, secretCreated } = await upsertEndpoint(tx, service.id, { url: input.webhookUrl }, options.keyring);
      webhookSecret = secretCreated ?? undefined;
      await writeAudit(tx, options.actor, {
        action: "webhook_endpoint.set",
        targetType: "service",
        targetId: service.id,
        after: redactEndpoint(endpoint),
      });
    }
    return {
      service: await viewService(tx, service.id),
      apiKey: key.apiKey,
      keyPrefix: key.prefix,
      ...(webhookSecret ? { webhookSecret } : {}),
    };
  });
}
