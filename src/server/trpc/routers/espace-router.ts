// The connected-service agents' space (issue #12). Every procedure that names a service goes through
// `serviceScoped(level, input)`, which checks server-side that the service is one of the caller's at
// that level (403 and no data otherwise). Procedures are thin: the same module functions as the
// console and the CLI, with the agent as the audited actor (never their email).
import { z } from "zod";
import { env, secretKeyring } from "@/env";
import type { Actor } from "@/modules/audit/write-audit";
import { requireAgentAccess } from "@/modules/agents/require-agent-access";
import type { AgentGrant, AgentLevel } from "@/modules/agents/agent-schemas";
import { viewIntegrationHealth } from "@/modules/agents/view-integration-health";
import { getServiceDetail } from "@/modules/console/list-services-detail";
import { listServiceMappings } from "@/modules/console/list-service-mappings";
import { searchProjects } from "@/modules/console/search-projects";
import { getProjectDetail } from "@/modules/console/get-project-detail";
import { searchProjectsInput } from "@/modules/console/console-schemas";
import { setEndpointEnabled } from "@/modules/console/set-endpoint-enabled";
import { createApiKey } from "@/modules/keys/create-api-key";
import { apiKeyPrefixSchema } from "@/modules/keys/key-schemas";
import { revokeServiceApiKey } from "@/modules/keys/revoke-service-api-key";
import { updateService } from "@/modules/services/update-service";
import { updateServiceInput, webhookUrlSchema } from "@/modules/services/service-schemas";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/modules/subscriptions/territories";
import { rotateWebhookSecret } from "@/modules/webhooks/rotate-webhook-secret";
import { sendTestEvent } from "@/modules/webhooks/send-test-event";
import { serviceWriteOptionsFromEnv } from "@/server/service-write-options";
import { deliveryFilterSchema, deliveryIdInput, filterRange, listDeliveriesInput, type DeliveryFilter } from "@/modules/console/console-schemas";
import { listDeliveries } from "@/modules/console/list-deliveries";
import { getDelivery } from "@/modules/console/get-delivery";
import { readDeliveryPayload } from "@/modules/delivery/read-delivery-payload";
import { replayDelivery } from "@/modules/delivery/replay-delivery";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { countReplayableFailed, replayFailedDeliveries, type FailedDeliveriesFilter } from "@/modules/delivery/replay-failed-deliveries";
import { retryDeliveryNow } from "@/modules/delivery/retry-delivery-now";
import { listServiceContacts } from "@/modules/alerts/list-service-contacts";
import { setServiceContacts } from "@/modules/alerts/set-service-contacts";
import { setServiceContactsInput } from "@/modules/alerts/contact-schemas";
import { kickDelivery } from "@/server/delivery-driver";
import { logger } from "@/server/logger";
import { agentProcedure, router } from "../init";

const serviceId = z.uuid({ error: "identifiant de service invalide" });
const serviceIdInput = z.strictObject({ serviceId });

/**
 * An agent procedure on one service of the caller's, at `level` or above. `input` must carry the
 * `serviceId`; the context gains the caller's `grant` and the agent as audit `actor`.
 */
function serviceScoped<T extends { serviceId: string }>(level: AgentLevel, input: z.ZodType<T> = serviceIdInput as unknown as z.ZodType<T>) {
  return agentProcedure.input(input).use(({ ctx, input, next }) => {
    const grant = requireAgentAccess(ctx.agent.grants, input.serviceId, level);
    return next({ ctx: { ...ctx, grant, actor: agentActor(grant) } });
  });
}

function agentActor(grant: AgentGrant): Actor {
  return { type: "agent", grantId: grant.grantId, serviceId: grant.serviceId, serviceSlug: grant.slug };
}

// The service's deliveries (issue #12): the operators' filters with the service forced to the
// caller's (checked by `serviceScoped`), and a delivery id scoped in the module's own query, so that
// another service's delivery answers exactly like a missing one (NOT_FOUND, no data).
const serviceDeliveryInput = deliveryIdInput.extend({ serviceId });
const serviceDeliveryFilter = deliveryFilterSchema.safeExtend({ serviceId });
const failedFilter = (input: DeliveryFilter & { serviceId: string }): FailedDeliveriesFilter => ({
  serviceId: input.serviceId,
  eventType: input.eventType,
  projectId: input.projectId,
  ...filterRange(input),
});

export const espaceRouter = router({
  /** The caller's services and levels: answers only from the caller's own grants. */
  services: agentProcedure.query(({ ctx }) => ({
    email: ctx.agent.email,
    services: ctx.agent.grants.map((g) => ({ serviceId: g.serviceId, slug: g.slug, nom: g.nom, niveau: g.niveau })),
  })),
  /** One service's integration health (endpoint URL, enabled, held changes, failing since, last success). */
  health: serviceScoped("lecture").query(({ ctx, input }) => viewIntegrationHealth(ctx.db, input.serviceId)),

  /**
   * A service's settings as its agents see them: endpoint (never its secret), keys (prefix only),
   * the status mapping (the labels the hub accepts for the service) and the subscribable event types.
   */
  settings: serviceScoped("lecture").query(async ({ ctx, input }) => {
    const [service, mappings] = await Promise.all([getServiceDetail(ctx.db, input.serviceId), listServiceMappings(ctx.db, input.serviceId)]);
    return { service, mappings, eventTypes: [...SUBSCRIBABLE_EVENT_TYPES] };
  }),

  /** Sets the webhook URL (same URL guard as the console); the secret is returned once when created. */
  setWebhookUrl: serviceScoped("gestion", z.strictObject({ serviceId, webhookUrl: webhookUrlSchema })).mutation(async ({ ctx, input }) => {
    const result = await updateService(ctx.db, { slug: ctx.grant.slug, webhookUrl: input.webhookUrl }, serviceWriteOptionsFromEnv(ctx.actor));
    kickDelivery();
    return { endpoint: result.endpoint, webhookSecret: result.webhookSecret ?? null };
  }),

  setWebhookEnabled: serviceScoped("gestion", z.strictObject({ serviceId, enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    const result = await setEndpointEnabled(ctx.db, ctx.grant.slug, input.enabled, ctx.actor);
    if (input.enabled) kickDelivery();
    return result;
  }),

  /** The endpoint's subscription filter, as `service:update --evenements … --territoires …` sets it (issue #13). */
  setSubscription: serviceScoped(
    "gestion",
    z.strictObject({ serviceId, evenements: updateServiceInput.shape.evenements.unwrap(), territoires: updateServiceInput.shape.territoires.unwrap() }),
  ).mutation(async ({ ctx, input }) => {
    const result = await updateService(ctx.db, { slug: ctx.grant.slug, evenements: input.evenements, territoires: input.territoires }, serviceWriteOptionsFromEnv(ctx.actor));
    kickDelivery();
    return { endpoint: result.endpoint };
  }),

  rotateSecret: serviceScoped("gestion").mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, input.serviceId, ctx.actor, secretKeyring())),

  sendTestEvent: serviceScoped("gestion").mutation(async ({ ctx, input }) => {
    const result = await sendTestEvent(ctx.db, input.serviceId, ctx.actor);
    kickDelivery();
    return result;
  }),

  /** A new API key, shown once. */
  createKey: serviceScoped("gestion").mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const key = await createApiKey(tx, input.serviceId, env.API_KEY_PREFIX, ctx.actor);
      return { apiKey: key.apiKey, prefix: key.prefix };
    }),
  ),

  revokeKey: serviceScoped("gestion", z.strictObject({ serviceId, prefix: apiKeyPrefixSchema })).mutation(({ ctx, input }) =>
    ctx.db.transaction((tx) => revokeServiceApiKey(tx, input.serviceId, input.prefix, ctx.actor)),
  ),

  /** The service's deliveries, newest first, with the operators' filters (the service is the caller's). */
  deliveries: serviceScoped("lecture", listDeliveriesInput.safeExtend({ serviceId })).query(({ ctx, input }) => listDeliveries(ctx.db, input)),

  /** One of the service's deliveries with its attempts; another service's is NOT_FOUND. */
  delivery: serviceScoped("lecture", serviceDeliveryInput).query(({ ctx, input }) => getDelivery(ctx.db, input.deliveryId, { serviceId: input.serviceId })),

  /**
   * The payload of one of the service's deliveries, as sent. The service's own data: not audited,
   * but one log line per view (identifiers only). A mutation, like the console's, so that only the
   * space's own pages may cause it (same-origin proof).
   */
  viewPayload: serviceScoped("lecture", serviceDeliveryInput).mutation(async ({ ctx, input }) => {
    const payload = await readDeliveryPayload(ctx.db, { deliveryId: input.deliveryId, serviceId: input.serviceId }, ctx.actor, secretKeyring(), { audit: false });
    logger.info("delivery payload viewed by a service agent", { deliveryId: input.deliveryId, service: ctx.grant.slug, grantId: ctx.grant.grantId });
    return payload;
  }),

  /** Replays one of the service's deliveries (audited, the agent as actor). */
  replayDelivery: serviceScoped("gestion", serviceDeliveryInput).mutation(({ ctx, input }) =>
    replayDelivery(ctx.db, { deliveryId: input.deliveryId, serviceId: input.serviceId }, ctx.actor, deliveryOptionsFromEnv()),
  ),

  /** "Réessayer maintenant" on one of the service's deliveries waiting for its retry (audited). */
  retryDeliveryNow: serviceScoped("gestion", serviceDeliveryInput).mutation(async ({ ctx, input }) => {
    const result = await retryDeliveryNow(ctx.db, { deliveryId: input.deliveryId, serviceId: input.serviceId }, ctx.actor);
    kickDelivery();
    return result;
  }),

  /** How many of the service's failed deliveries a replay of this filter takes (the confirmation states it). */
  countReplayableFailed: serviceScoped("gestion", serviceDeliveryFilter).query(async ({ ctx, input }) => ({ count: await countReplayableFailed(ctx.db, failedFilter(input)) })),

  /** Puts the service's failed deliveries of this filter back in the queue (audited). */
  replayFailedDeliveries: serviceScoped("gestion", serviceDeliveryFilter).mutation(async ({ ctx, input }) => {
    const result = await replayFailedDeliveries(ctx.db, failedFilter(input), ctx.actor);
    kickDelivery();
    return result;
  }),

  /** The service's technical contacts for alerts (issue #11), by email: the service's own data. */
  contacts: serviceScoped("lecture").query(({ ctx, input }) => listServiceContacts(ctx.db, input.serviceId)),

  /** Adds and removes the service's technical contacts (audited by contact ids, never emails). */
  setContacts: serviceScoped("gestion", setServiceContactsInput.omit({ service: true }).extend({ serviceId })).mutation(({ ctx, input }) =>
    setServiceContacts(ctx.db, { service: ctx.grant.slug, ajouter: input.ajouter, retirer: input.retirer }, ctx.actor),
  ),

  /** Projects the service is linked to: by name, hub id or the service's own external id. */
  searchProjects: serviceScoped("lecture", searchProjectsInput.extend({ serviceId })).query(({ ctx, input }) => searchProjects(ctx.db, input, { agentServiceId: input.serviceId })),

  /** One of the service's projects with its event history and the service's own deliveries. */
  project: serviceScoped("lecture", z.strictObject({ serviceId, projectId: z.uuid({ error: "identifiant de projet invalide" }) })).query(({ ctx, input }) =>
    getProjectDetail(ctx.db, input.projectId, { serviceId: input.serviceId }),
  ),
});
