import { auditLog } from "@/db/schema";
import type { DbOrTx } from "@/db/client";

export type Actor =
  | { type: "operator"; operatorId: string; label: string }
  /**
   * A connected service's agent acting in their space (issue #12): named by the service and the
   * grant's id (the `targetId` of its `agent.add` entry), never by email (personal data).
   */
  | { type: "agent"; grantId: string; serviceId: string; serviceSlug: string }
  | { type: "cli"; label?: string }
  | { type: "system"; label?: string };

export const cliActor: Actor = { type: "cli" };

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  /** The service the entry concerns; defaults to the target when it is a service, or the agent's service. */
  serviceId?: string | null;
};

function actorLabel(actor: Actor): string {
  if (actor.type === "operator") return actor.label;
  if (actor.type === "agent") return `${actor.serviceSlug} (accès ${actor.grantId})`;
  return actor.label ?? actor.type;
}

/**
 * Appends to the audit log. Call it with the transaction of the mutation it records, so that the
 * change and its trace commit together. Callers pass redacted before/after: no secret, no email.
 * The entry's `serviceId` (operators filter the log by service, issue #12) is the one given, else
 * the target when it is a service, else the acting agent's service.
 */
export async function writeAudit(tx: DbOrTx, actor: Actor, entry: AuditEntry): Promise<void> {
  const serviceId =
    entry.serviceId !== undefined ? entry.serviceId : entry.targetType === "service" && entry.targetId ? entry.targetId : actor.type === "agent" ? actor.serviceId : null;
  await tx.insert(auditLog).values({
    actorType: actor.type,
    actorOperatorId: actor.type === "operator" ? actor.operatorId : null,
    actorLabel: actorLabel(actor),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    serviceId,
  });
}
