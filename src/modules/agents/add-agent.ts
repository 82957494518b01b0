import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { serviceAgents } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { addAgentInput, type AddAgentInput, type AgentView } from "./agent-schemas";

/**
 * Grants a person (by email) access to a service at a level, or changes the level of an existing
 * grant (CONTRACT §8 `agent:add`). Returns the grant. Throws `not_found` for an unknown service,
 * a ZodError for invalid input. Audited in the same transaction, without the email (personal data):
 * the entry names the grant by id, the service and the level.
 */
export async function addAgent(db: Db, rawInput: AddAgentInput, actor: Actor): Promise<AgentView> {
  const input = addAgentInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const service = await requireServiceBySlug(tx, input.service);
    const [before] = await tx
      .select()
      .from(serviceAgents)
      .where(and(eq(serviceAgents.serviceId, service.id), eq(serviceAgents.email, input.email)));
    const [row] = await tx
      .insert(serviceAgents)
      .values({ serviceId: service.id, email: input.email, niveau: input.niveau })
      .onConflictDoUpdate({ target: [serviceAgents.serviceId, serviceAgents.email], set: { niveau: input.niveau, updatedAt: new Date() } })
      .returning();
    await writeAudit(tx, actor, {
      action: before ? "agent.update" : "agent.add",
      targetType: "service_agent",
      targetId: row!.id,
      serviceId: service.id,
      before: before ? { service: service.slug, niveau: before.niveau } : null,
      after: { service: service.slug, niveau: row!.niveau },
    });
    return { id: row!.id, service: service.slug, email: row!.email, niveau: row!.niveau };
  });
}
