import { auditLog } from "@/db/schema";
import type { DbOrTx } from "@/db/client";

export type Actor =
  | { type: "operator"; operatorId: string; label: string }
  | { type: "cli"; label?: string }
  | { type: "system"; label?: string };

export const cliActor: Actor = { type: "cli" };

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Appends to the audit log. Call it with the transaction of the mutation it records, so that the
 * change and its trace commit together. Callers pass redacted before/after: no secret, no email.
 */
export async function writeAudit(tx: DbOrTx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorType: actor.type,
    actorOperatorId: actor.type === "operator" ? actor.operatorId : null,
    actorLabel: actor.type === "operator" ? actor.label : (actor.label ?? actor.type),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
