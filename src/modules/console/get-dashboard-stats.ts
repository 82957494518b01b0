// Dashboard figures: deliveries per state, success rate, backlog, per-service health and a daily
// series over the last two weeks. Aggregates only: no payload, no personal data.
import { and, count, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveries, deliveryStates, services, webhookEndpoints, type DeliveryState } from "@/db/schema";

export type ServiceHealth = {
  serviceId: string;
  slug: string;
  nom: string;
  serviceEnabled: boolean;
  endpoint: { url: string; enabled: boolean; disabledReason: string | null; consecutiveFailures: number; lastSuccessAt: Date | null; lastFailureAt: Date | null } | null;
  byState: Record<DeliveryState, number>;
  health: "ok" | "degrade" | "en_echec" | "desactive" | "sans_webhook";
};

const emptyStates = (): Record<DeliveryState, number> => ({ pending: 0, in_flight: 0, delivered: 0, failed: 0 });

export async function getDashboardStats(db: DbOrTx, now = new Date(), days = 14) {
  const perServiceRows = await db
    .select({ serviceId: deliveries.serviceId, state: deliveries.state, n: count() })
    .from(deliveries)
    .groupBy(deliveries.serviceId, deliveries.state);
  const totals = emptyStates();
  const perService = new Map<string, Record<DeliveryState, number>>();
  for (const row of perServiceRows) {
    totals[row.state] += row.n;
    const states = perService.get(row.serviceId) ?? emptyStates();
    states[row.state] += row.n;
    perService.set(row.serviceId, states);
  }
  const finished = totals.delivered + totals.failed;

  const serviceRows = await db
    .select({ service: services, endpoint: webhookEndpoints })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .orderBy(services.slug);
  const health: ServiceHealth[] = serviceRows.map(({ service, endpoint }) => {
    const byState = perService.get(service.id) ?? emptyStates();
    let state: ServiceHealth["health"] = "ok";
    if (!endpoint) state = "sans_webhook";
    else if (!endpoint.enabled || !service.enabled) state = "desactive";
    else if (endpoint.consecutiveFailures >= 5 || byState.failed > 0) state = "en_echec";
    else if (endpoint.consecutiveFailures > 0) state = "degrade";
    return {
      serviceId: service.id,
      slug: service.slug,
      nom: service.nom,
      serviceEnabled: service.enabled,
      endpoint: endpoint
        ? {
            url: endpoint.url,
            enabled: endpoint.enabled,
            disabledReason: endpoint.disabledReason,
            consecutiveFailures: endpoint.consecutiveFailures,
            lastSuccessAt: endpoint.lastSuccessAt,
            lastFailureAt: endpoint.lastFailureAt,
          }
        : null,
      byState,
      health: state,
    };
  });

  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const day = sql<string>`to_char(${deliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const seriesRows = await db
    .select({ day, state: deliveries.state, n: count() })
    .from(deliveries)
    .where(and(gte(deliveries.createdAt, start)))
    .groupBy(day, deliveries.state);
  const series = Array.from({ length: days }, (_, i) => {
    const date = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { day: date, ...emptyStates() };
  });
  for (const row of seriesRows) {
    const point = series.find((p) => p.day === row.day);
    if (point) point[row.state] += row.n;
  }

  return {
    byState: totals,
    total: deliveryStates.reduce((sum, s) => sum + totals[s], 0),
    successRate: finished === 0 ? null : totals.delivered / finished,
    backlog: totals.pending + totals.in_flight,
    services: health,
    series,
  };
}
