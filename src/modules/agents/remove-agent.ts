import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { serviceAgents } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { removeAgentInput, type RemoveAgentInput } from "./agent-schemas";

/**
 * Withdraws a person's access to a service (CONTRACT §8 `agent:remove`). Returns `{removed}`: true
 * when a grant existed (idempotent: false afterwards). Throws `not_found` for an unknown service.
 * Audited (without the email) only when something was removed. The person's open session loses
 * the service at its next request (the session is resolved against the grants on every request).
 */
export async function removeAgent(db: Db, rawInput: RemoveAgentInput, actor: Actor): Promise<{ removed: boolean }> {
  const input = removeAgentInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const service = await requireServiceBySlug(tx, input.service);
    const [row] = await tx
      .delete(serviceAgents)
      .where(and(eq(serviceAgents.serviceId, service.id), eq(serviceAgents.email, input.email)))
      .returning();
    if (!row) return { removed: false };
    await writeAudit(tx, actor, {
      action: "agent.remove",
      targetType: "service_agent",
      targetId: row.id,
      serviceId: service.id,
      before: { service: service.slug, niveau: row.niveau },
      after: null,
    });
    return { removed: true };
  });
}
