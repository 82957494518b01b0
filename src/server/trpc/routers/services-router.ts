// Connected services: thin over the domain modules, with the same zod schemas as the REST API and CLI.
import { z } from "zod";
import { env, secretKeyring } from "@/env";
import { router, operatorProcedure, adminProcedure } from "../init";
import { createService } from "@/modules/services/create-service";
import { updateService } from "@/modules/services/update-service";
import { createServiceInput, serviceSlugSchema, updateServiceInput } from "@/modules/services/service-schemas";
import { setEndpointEnabled } from "@/modules/console/set-endpoint-enabled";
import { createApiKey } from "@/modules/keys/create-api-key";
import { revokeServiceApiKey } from "@/modules/keys/revoke-service-api-key";
import { apiKeyPrefixSchema } from "@/modules/keys/key-schemas";
import { rotateWebhookSecret } from "@/modules/webhooks/rotate-webhook-secret";
import { sendTestEvent } from "@/modules/webhooks/send-test-event";
import { serviceWriteOptionsFromEnv } from "@/server/service-write-options";
import { getServiceDetail, listServices } from "@/modules/console/list-services-detail";
import { serviceIdInput } from "@/modules/console/console-schemas";
import { kickDelivery } from "@/server/delivery-driver";
import { addAgent } from "@/modules/agents/add-agent";
import { removeAgent } from "@/modules/agents/remove-agent";
import { listServiceAgents } from "@/modules/agents/list-service-agents";
import { addAgentInput, removeAgentInput } from "@/modules/agents/agent-schemas";

export const servicesRouter = router({
  list: operatorProcedure.query(({ ctx }) => listServices(ctx.db)),
  get: operatorProcedure.input(serviceIdInput).query(({ ctx, input }) => getServiceDetail(ctx.db, input.serviceId)),

  create: adminProcedure.input(createServiceInput).mutation(({ ctx, input }) =>
    createService(ctx.db, input, { ...serviceWriteOptionsFromEnv(ctx.actor), keyPrefix: env.API_KEY_PREFIX }),
  ),

  update: adminProcedure.input(updateServiceInput).mutation(async ({ ctx, input }) => {
    const result = await updateService(ctx.db, input, serviceWriteOptionsFromEnv(ctx.actor));
    kickDelivery(); // a re-enable or a URL change may have made deliveries due or released held changes
    // A secret exists only when this call created the endpoint: shown once, like a key.
    return { service: result.service, webhookSecret: result.webhookSecret ?? null };
  }),

  setWebhookEnabled: adminProcedure
    .input(z.strictObject({ slug: serviceSlugSchema, enabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const result = await setEndpointEnabled(ctx.db, input.slug, input.enabled, ctx.actor);
      if (input.enabled) kickDelivery();
      return result;
    }),

  createKey: adminProcedure.input(serviceIdInput).mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const key = await createApiKey(tx, input.serviceId, env.API_KEY_PREFIX, ctx.actor);
      return { apiKey: key.apiKey, prefix: key.prefix };
    }),
  ),

  revokeKey: adminProcedure
    .input(z.strictObject({ serviceId: z.uuid(), prefix: apiKeyPrefixSchema }))
    .mutation(({ ctx, input }) =>
      // The key must belong to the service shown on screen.
      ctx.db.transaction((tx) => revokeServiceApiKey(tx, input.serviceId, input.prefix, ctx.actor)),
    ),

  rotateSecret: adminProcedure.input(serviceIdInput).mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, input.serviceId, ctx.actor, secretKeyring())),

  /** "Agents du service" (issue #12): the people granted the service's space. Emails: admins only. */
  agents: adminProcedure.input(serviceIdInput).query(({ ctx, input }) => listServiceAgents(ctx.db, input.serviceId)),
  addAgent: adminProcedure.input(addAgentInput).mutation(({ ctx, input }) => addAgent(ctx.db, input, ctx.actor)),
  removeAgent: adminProcedure.input(removeAgentInput).mutation(({ ctx, input }) => removeAgent(ctx.db, input, ctx.actor)),

  sendTestEvent: adminProcedure.input(serviceIdInput).mutation(async ({ ctx, input }) => {
    const result = await sendTestEvent(ctx.db, input.serviceId, ctx.actor);
    kickDelivery();
    return result;
  }),
});
