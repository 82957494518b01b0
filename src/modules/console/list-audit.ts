// The audit log, newest first, keyset on id; filterable by action and by service (issue #12: operators
// follow what a connected service's agents did).
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";

export async function listAudit(db: DbOrTx, input: { cursor?: number; limit: number; action?: string; serviceId?: string }) {
  const conditions: SQL[] = [];
  if (input.cursor) conditions.push(lt(auditLog.id, input.cursor));
  if (input.action) conditions.push(eq(auditLog.action, input.action));
  if (input.serviceId) conditions.push(eq(auditLog.serviceId, input.serviceId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items[items.length - 1]!.id : null };
}
