// The daily series of deliveries by state that the dashboard's chart draws (issue #11), and the
// agents' space draws for one service (issue #12, "the dashboard chart, scoped"). Counts only.
// Settled deliveries are read from their daily counts (schema.ts `deliveryLogDailyCounts`, kept by
// the log's triggers): counting the log itself took most of a second at 2.5 M deliveries (issue #17).
// The queue is small: its deliveries are counted as they are.
import { and, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveryLogDailyCounts, deliveryQueue, type DeliveryState } from "@/db/schema";

export type DeliveryDay = { day: string } & Record<DeliveryState, number>;

/**
 * Counts the deliveries created on each of the `days` UTC days ending on `now`'s day, by state,
 * of every service or only of `serviceId` (the receiving service). Returns one point per day,
 * oldest first, days without deliveries included at zero. `days` must be at least 1.
 */
export async function countDeliveriesPerDay(
  db: DbOrTx,
  options: { now?: Date; days?: number; serviceId?: string } = {},
): Promise<DeliveryDay[]> {
  const now = options.now ?? new Date();
  const days = options.days ?? 14;
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const startDay = start.toISOString().slice(0, 10);
  const queuedDay = sql<string>`to_char(${deliveryQueue.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  // One statement, one snapshot: a delivery settling between two reads would be counted twice.
  const rows = await db
    .select({ day: sql<string>`${deliveryLogDailyCounts.day}::text`, state: deliveryLogDailyCounts.state, n: sql<number>`sum(${deliveryLogDailyCounts.n})::int`.mapWith(Number) })
    .from(deliveryLogDailyCounts)
    .where(and(gte(deliveryLogDailyCounts.day, startDay), options.serviceId ? eq(deliveryLogDailyCounts.serviceId, options.serviceId) : undefined))
    .groupBy(deliveryLogDailyCounts.day, deliveryLogDailyCounts.state)
    .unionAll(
      db
        .select({ day: queuedDay, state: deliveryQueue.state, n: sql<number>`count(*)::int`.mapWith(Number) })
        .from(deliveryQueue)
        .where(and(gte(deliveryQueue.createdAt, start), options.serviceId ? eq(deliveryQueue.serviceId, options.serviceId) : undefined))
        .groupBy(queuedDay, deliveryQueue.state),
    );
  const series: DeliveryDay[] = Array.from({ length: days }, (_, i) => ({
    day: new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10),
    pending: 0,
    in_flight: 0,
    delivered: 0,
    failed: 0,
  }));
  const byDay = new Map(series.map((p) => [p.day, p]));
  for (const row of rows) {
    const point = byDay.get(row.day);
    if (point) point[row.state] += row.n;
  }
  return series;
}
