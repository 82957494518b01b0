// The audit log, newest first, keyset on id.
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";

export async function listAudit(db: DbOrTx, input: { cursor?: number; limit: number; action?: string }) {
  const conditions: SQL[] = [];
  if (input.cursor) conditions.push(lt(auditLog.id, input.cursor));
  if (input.action) conditions.push(eq(auditLog.action, input.action));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items[items.length - 1]!.id : null };
}
