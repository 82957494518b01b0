import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { addOperatorInput, type AddOperatorInput, type OperatorView } from "./operator-schemas";
import { keepLastAdmin } from "./keep-last-admin";

export const selfDemotionMessage =
  "Vous allez perdre vos droits d'administrateur : confirmez ce changement de votre propre rôle.";

/**
 * Registers an operator, or changes the role of (and reactivates) an existing one. Console, CLI
 * (`operator:add`) and tests go through it, so the rules below hold everywhere (issue #11):
 * - the last active admin cannot be made lecteur (`keepLastAdmin`, AppError `conflict`);
 * - an admin making themselves lecteur must pass `confirmSelfDemotion: true` (AppError `conflict`).
 * Returns the operator as shown to admins; throws a zod error on invalid input.
 */
export async function addOperator(db: Db, rawInput: AddOperatorInput, actor: Actor): Promise<OperatorView> {
  const input = addOperatorInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(operators).where(eq(operators.email, input.email));
    if (before && input.role !== "admin") {
      const self = actor.type === "operator" && actor.operatorId === before.id;
      if (self && before.role === "admin" && !input.confirmSelfDemotion) throw new AppError("conflict", selfDemotionMessage);
      await keepLastAdmin(tx, before.id);
    }
    const [row] = await tx
      .insert(operators)
      .values({ email: input.email, role: input.role })
      .onConflictDoUpdate({ target: operators.email, set: { role: input.role, active: true, updatedAt: new Date() } })
      .returning();
    const view: OperatorView = { id: row!.id, email: row!.email, role: row!.role, active: row!.active };
    await writeAudit(tx, actor, {
      action: before ? "operator.update" : "operator.add",
      targetType: "operator",
      targetId: view.id,
      before: before ? { role: before.role, active: before.active } : null,
      after: { role: view.role, active: view.active },
    });
    return view;
  });
}
