import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";

/**
 * Subscribes (or unsubscribes) operator `operatorId` to the alert mails and the daily digest
 * (issue #11: an operator's own preference, set in the console). Returns the new value. Throws
 * `not_found` for an unknown operator. Audited in the same transaction.
 */
export async function setAlertSubscription(db: Db, operatorId: string, subscribed: boolean, actor: Actor): Promise<{ alertSubscribed: boolean }> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ alertSubscribed: operators.alertSubscribed }).from(operators).where(eq(operators.id, operatorId));
    if (!before) throw new AppError("not_found", "Opérateur introuvable.");
    await tx.update(operators).set({ alertSubscribed: subscribed, updatedAt: new Date() }).where(eq(operators.id, operatorId));
    if (before.alertSubscribed !== subscribed) {
      await writeAudit(tx, actor, {
        action: subscribed ? "operator.alerts_subscribe" : "operator.alerts_unsubscribe",
        targetType: "operator",
        targetId: operatorId,
        before,
        after: { alertSubscribed: subscribed },
      });
    }
    return { alertSubscribed: subscribed };
  });
}
