// The bytes each delivery sends (or sent), read back from the outbox: for checks and diagnostics.
import { eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveries, events } from "@/db/schema";
import { renderDeliveryBody } from "./render-delivery-body";

/** The given delivery rows, each with the body it sends as `body` (null once purged by retention). */
export async function withDeliveryBodies<T extends { id: number }>(db: DbOrTx, rows: T[]): Promise<(T & { body: string | null })[]> {
  if (rows.length === 0) return [];
  const stored = await db
    .select({ id: deliveries.id, eventBody: events.body, receiverView: deliveries.receiverView })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(inArray(deliveries.id, rows.map((r) => r.id)));
  const bodies = new Map(stored.map((r) => [r.id, renderDeliveryBody(r)]));
  return rows.map((row) => ({ ...row, body: bodies.get(row.id) ?? null }));
}
