import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { addOperatorInput, type AddOperatorInput, type OperatorView } from "./operator-schemas";

/** Registers an operator, or changes the role of (and reactivates) an existing one. */
export async function addOperator(db: Db, rawInput: AddOperatorInput, actor: Actor): Promise<OperatorView> {
  const input = addOperatorInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(operators).where(eq(operators.email, input.email));
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
