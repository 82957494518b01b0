// The hub must always keep one active admin who can reach the console: without one, only the CLI
// (shell access to the server) could add an operator again (issue #11, "Safety").
import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { operators } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";

export const lastAdminMessage =
  "C'est le dernier administrateur actif : il ne peut être ni rétrogradé ni désactivé. Nommez d'abord un autre administrateur.";

/**
 * Refuses a change that leaves no active admin. Call it in the transaction that demotes or
 * deactivates `operatorId`, before writing. Locks every active admin's row (`FOR UPDATE`, in id
 * order so that concurrent calls never deadlock): when two admins demote each other at once, the
 * second waits for the first, then sees no other admin left.
 * Throws AppError `conflict` (409, message `lastAdminMessage`) when `operatorId` is the only
 * active admin; does nothing when it is not an active admin.
 */
export async function keepLastAdmin(tx: DbOrTx, operatorId: string): Promise<void> {
  const admins = await tx
    .select({ id: operators.id })
    .from(operators)
    .where(and(eq(operators.role, "admin"), eq(operators.active, true)))
    .orderBy(asc(operators.id))
    .for("update");
  if (admins.some((a) => a.id === operatorId) && admins.length === 1) throw new AppError("conflict", lastAdminMessage);
}
