// One zod schema per concept of the connected-service agents (CONTRACT §8, issue #12).
import { z } from "zod";
import { operatorEmailSchema } from "@/modules/operators/operator-schemas";
import { serviceSlugSchema } from "@/modules/services/service-schemas";

export const agentLevelSchema = z.enum(["lecture", "gestion"], { error: "niveau attendu : lecture ou gestion" });
export type AgentLevel = z.infer<typeof agentLevelSchema>;
/** Same normalisation as operators' emails (trimmed, lower case): login compares them with ProConnect's. */
export const agentEmailSchema = operatorEmailSchema;

export const addAgentInput = z.strictObject({ service: serviceSlugSchema, email: agentEmailSchema, niveau: agentLevelSchema });
export type AddAgentInput = z.input<typeof addAgentInput>;
export const removeAgentInput = z.strictObject({ service: serviceSlugSchema, email: agentEmailSchema });
export type RemoveAgentInput = z.input<typeof removeAgentInput>;

/** `{agent}` of `agent:add`: the grant, named by the service's slug. */
export type AgentView = { id: string; service: string; email: string; niveau: AgentLevel };
/** One of a person's grants, as the space's guard reads it. */
export type AgentGrant = { grantId: string; serviceId: string; slug: string; nom: string; niveau: AgentLevel };
