// Operator management beyond `addOperator`: listing and (de)activation. Deactivating ends the
// operator's sessions at once (there is no back-channel logout from ProConnect).
import { asc, eq, inArray } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { operators, sessions, users } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { keepLastAdmin } from "@/modules/operators/keep-last-admin";

export async function listOperators(db: DbOrTx) {
  return db.select().from(operators).orderBy(asc(operators.email));
}

/**
 * Activates or deactivates an operator; deactivating ends their sessions. Refused (AppError
 * `conflict`) for one's own account and for the last active admin (issue #11). Throws `not_found`.
 */
export async function setOperatorActive(db: Db, input: { operatorId: string; active: boolean }, actor: Actor) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(operators).where(eq(operators.id, input.operatorId)).limit(1);
    if (!before) throw new AppError("not_found", "Opérateur introuvable.");
    if (!input.active && actor.type === "operator" && actor.operatorId === before.id) {
      throw new AppError("conflict", "Vous ne pouvez pas désactiver votre propre compte.");
    }
    if (!input.active) await keepLastAdmin(tx, before.id);
    const [after] = await tx
      .update(operators)
      .set({ active: input.active, updatedAt: new Date() })
      .where(eq(operators.id, before.id))
      .returning();
    let sessionsEnded = 0;
    if (!input.active) {
      const userIds = tx.select({ id: users.id }).from(users).where(eq(users.email, before.email));
      sessionsEnded = (await tx.delete(sessions).where(inArray(sessions.userId, userIds)).returning({ t: sessions.sessionToken })).length;
    }
    await writeAudit(tx, actor, {
      action: input.active ? "operator.activate" : "operator.deactivate",
      targetType: "operator",
      targetId: before.id,
      before: { role: before.role, active: before.active },
      after: { role: after!.role, active: after!.active, sessionsEnded },
    });
    return { id: after!.id, email: after!.email, role: after!.role, active: after!.active };
  });
}
