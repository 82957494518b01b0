import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";

/** Revokes a key by its visible prefix; the next call made with it fails. Idempotent. */
export async function revokeApiKey(tx: DbOrTx, prefix: string, actor: Actor) {
  const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).limit(1);
  if (!key) throw new AppError("not_found", `Aucune clé d'API n'a le préfixe « ${prefix} ».`);
  if (key.revokedAt) return { revoked: prefix, revokedAt: key.revokedAt };
  const [row] = await tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)))
    .returning({ revokedAt: apiKeys.revokedAt });
  await writeAudit(tx, actor, {
    action: "api_key.revoke",
    targetType: "service",
    targetId: key.serviceId,
    before: { prefix, revokedAt: null },
    after: { prefix, revokedAt: row?.revokedAt },
  });
  return { revoked: prefix, revokedAt: row?.revokedAt ?? new Date() };
}
