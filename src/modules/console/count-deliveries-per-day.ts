// The daily series of deliveries by state that the dashboard's chart draws (issue #11), and the
// agents' space draws for one service (issue #12, "the dashboard chart, scoped"). Counts only.
import { and, count, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveries, type DeliveryState } from "@/db/schema";

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
  const day = sql<string>`to_char(${deliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, state: deliveries.state, n: count() })
    .from(deliveries)
    .where(and(gte(deliveries.createdAt, start), options.serviceId ? eq(deliveries.serviceId, options.serviceId) : undefined))
    .groupBy(day, deliveries.state);
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
