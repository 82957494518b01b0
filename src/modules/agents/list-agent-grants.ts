import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { serviceAgents, services } from "@/db/schema";
import type { AgentGrant } from "./agent-schemas";

/** The services a person (normalised email) may see in their space, by slug; empty when none. */
export async function listAgentGrants(db: DbOrTx, email: string): Promise<AgentGrant[]> {
  return db
    .select({ grantId: serviceAgents.id, serviceId: services.id, slug: services.slug, nom: services.nom, niveau: serviceAgents.niveau })
    .from(serviceAgents)
    .innerJoin(services, eq(services.id, serviceAgents.serviceId))
    .where(eq(serviceAgents.email, email.trim().toLowerCase()))
    .orderBy(asc(services.slug));
}
