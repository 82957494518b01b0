// The connected-service agents' space (issue #12): read-only for now. Every procedure that names a
// service goes through `serviceScoped(level)`, which checks server-side that the service is one of
// the caller's at that level (403 and no data otherwise).
import { z } from "zod";
import { requireAgentAccess } from "@/modules/agents/require-agent-access";
import type { AgentLevel } from "@/modules/agents/agent-schemas";
import { viewIntegrationHealth } from "@/modules/agents/view-integration-health";
import { agentProcedure, router } from "../init";

const serviceIdInput = z.strictObject({ serviceId: z.uuid({ error: "identifiant de service invalide" }) });

/** An agent procedure on one service of the caller's, at `level` or above. */
function serviceScoped(level: AgentLevel) {
  return agentProcedure.input(serviceIdInput).use(({ ctx, input, next }) => {
    const grant = requireAgentAccess(ctx.agent.grants, input.serviceId, level);
    return next({ ctx: { ...ctx, grant } });
  });
}

export const espaceRouter = router({
  /** The caller's services and levels: answers only from the caller's own grants. */
  services: agentProcedure.query(({ ctx }) => ({
    email: ctx.agent.email,
    services: ctx.agent.grants.map((g) => ({ serviceId: g.serviceId, slug: g.slug, nom: g.nom, niveau: g.niveau })),
  })),
  /** One service's integration health (endpoint URL, enabled, held changes, failing since, last success). */
  health: serviceScoped("lecture").query(({ ctx, input }) => viewIntegrationHealth(ctx.db, input.serviceId)),
});
