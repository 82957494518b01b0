import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { services } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { checkWebhookUrl, type UrlPolicy } from "@/modules/webhooks/check-webhook-url";
import { redactEndpoint, upsertEndpoint } from "@/modules/webhooks/upsert-endpoint";
import { requireServiceBySlug, viewService } from "./find-service";
import type { UpdateServiceInput } from "./service-schemas";

/**
 * Renames, enables/disables a service, or sets its webhook URL. `webhookSecret` is returned only when
 * the endpoint (and so its secret) was created by this call.
 */
export async function updateService(db: Db, input: UpdateServiceInput, options: { urlPolicy: UrlPolicy; actor: Actor }) {
  if (input.webhookUrl) await checkWebhookUrl(input.webhookUrl, options.urlPolicy);
  return db.transaction(async (tx) => {
    const existing = await requireServiceBySlug(tx, input.slug);
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
    let webhookSecret: string | undefined;
    if (input.webhookUrl !== undefined) {
      const { endpoint, secretCreated, before } = await upsertEndpoint(tx, existing.id, { url: input.webhookUrl });
      webhookSecret = secretCreated ?? undefined;
      await writeAudit(tx, options.actor, {
        action: "webhook_endpoint.set",
        targetType: "service",
        targetId: existing.id,
        before: redactEndpoint(before),
        after: redactEndpoint(endpoint),
      });
    }
    if (input.nom === undefined && input.enabled === undefined && input.webhookUrl === undefined) {
      throw AppError.validation([{ path: "(corps)", message: "rien à modifier : indiquez nom, webhookUrl ou enabled" }]);
    }
    return { service: await viewService(tx, existing.id), ...(webhookSecret ? { webhookSecret } : {}) };
  });
}
