import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { serviceAgents } from "@/db/schema";
import type { AgentLevel } from "./agent-schemas";

/** One grant of a service, as admins see it in the console ("Agents du service", issue #12). */
export type ServiceAgentRow = { id: string; email: string; niveau: AgentLevel; createdAt: Date };

/**
 * The people granted access to one service (by email, sorted), for admins only: the emails are
 * personal data (the console's admin procedure shows them; no log line carries them).
 */
export async function listServiceAgents(db: DbOrTx, serviceId: string): Promise<ServiceAgentRow[]> {
  return db
    .select({ id: serviceAgents.id, email: serviceAgents.email, niveau: serviceAgents.niveau, createdAt: serviceAgents.createdAt })
    .from(serviceAgents)
    .where(eq(serviceAgents.serviceId, serviceId))
    .orderBy(asc(serviceAgents.email));
}
