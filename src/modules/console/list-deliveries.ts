// The delivery log, newest first, with keyset pagination on the delivery id (stable under inserts).
import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveries, services } from "@/db/schema";
import { filterRange, type DeliveryFilter } from "./console-schemas";
import { projectIdBounds } from "./project-id-filter";

export function deliveryFilterConditions(filter: DeliveryFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.serviceId) conditions.push(eq(deliveries.serviceId, filter.serviceId));
  if (filter.state) conditions.push(eq(deliveries.state, filter.state));
  if (filter.eventType) conditions.push(eq(deliveries.eventType, filter.eventType));
  // Through the project's events (events_project_idx): deliveries have no index by project alone.
  if (filter.projectId) {
    // The full id or the short one the list shows (project-id-filter.ts).
    const [low, high] = projectIdBounds(filter.projectId);
    conditions.push(sql`${deliveries.eventId} in (select id from events where project_id between ${low}::uuid and ${high}::uuid)`);
  }
  const range = filterRange(filter);
  if (range.since) conditions.push(gte(deliveries.createdAt, range.since));
  if (range.until) conditions.push(lte(deliveries.createdAt, range.until));
  return conditions;
}

export async function listDeliveries(db: DbOrTx, input: DeliveryFilter & { cursor?: number; limit: number }) {
  const conditions = deliveryFilterConditions(input);
  if (input.cursor) conditions.push(lt(deliveries.id, input.cursor));
  const rows = await db
    .select({
      id: deliveries.id,
      eventId: deliveries.eventId,
      eventType: deliveries.eventType,
      serviceId: deliveries.serviceId,
      serviceSlug: services.slug,
      projectId: deliveries.projectId,
      projectVersion: deliveries.projectVersion,
      state: deliveries.state,
      attemptCount: deliveries.attemptCount,
      lastStatusCode: deliveries.lastStatusCode,
      lastError: deliveries.lastError,
      nextAttemptAt: deliveries.nextAttemptAt,
      deliveredAt: deliveries.deliveredAt,
      createdAt: deliveries.createdAt,
    })
    .from(deliveries)
    .innerJoin(services, eq(services.id, deliveries.serviceId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(deliveries.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items[items.length - 1]!.id : null };
}
