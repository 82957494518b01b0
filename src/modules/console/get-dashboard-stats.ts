// Dashboard figures: deliveries per state, success rate, backlog, per-service health and a daily
// series over the last two weeks. Aggregates only: no payload, no personal data.
// Settled deliveries and attempts are read from their daily counts, kept by the tables' triggers
// (schema.ts `deliveryLogDailyCounts`, `deliveryAttemptDailyCounts`): counting millions of rows made
// this page take 2 s at 2.5 M deliveries and 10 M attempts (issue #17). The queue is counted as it is.
import { count, eq, gte, min, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import {
  deliveryAttemptDailyCounts,
  deliveryLogDailyCounts,
  deliveryQueue,
  deliveryStates,
  services,
  webhookEndpoints,
  type DeliveryState,
} from "@/db/schema";
import { countQueuedEvents } from "@/modules/outbox/expand-events";
import { heldChangesCount } from "@/modules/services/find-service";
import { endpointStateKind } from "@/modules/services/endpoint-state";
import { countDeliveriesPerDay } from "./count-deliveries-per-day";

export type ServiceHealth = {
  serviceId: string;
  slug: string;
  nom: string;
  serviceEnabled: boolean;
  endpoint: {
    url: string;
    enabled: boolean;
    disabledReason: string | null;
    consecutiveFailures: number;
    failingSince: Date | null;
    lastSuccessAt: Date | null;
    lastFailureAt: Date | null;
    heldChanges: number;
  } | null;
  byState: Record<DeliveryState, number>;
  /** Pending deliveries that already failed at least once: waiting for their next attempt. */
  retrying: number;
  /** Creation time of the oldest delivery still pending or in flight (the service's lag), null when none waits. */
  oldestWaitingAt: Date | null;
  /** Its endpoint fails or is disabled, or the service is disabled: listed first (issue #11). */
  needsAttention: boolean;
  health: "ok" | "degrade" | "en_echec" | "desactive" | "sans_webhook";
};

const emptyStates = (): Record<DeliveryState, number> => ({ pending: 0, in_flight: 0, delivered: 0, failed: 0 });

/**
 * The dashboard's figures at `now` over the last `days` days (UTC). `successRate` is over the
 * delivery attempts started in that period (a delivery waiting for a retry has failed attempts and
 * counts against it; issue #11, "Truth"), null without attempts. `services` lists first those that
 * need attention (failing or disabled endpoint, disabled service), then by slug.
 */
export async function getDashboardStats(db: DbOrTx, now = new Date(), days = 14) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  // One statement, one snapshot: a delivery settling between two reads would be counted twice.
  const perServiceRows = await db
    .select({
      serviceId: deliveryQueue.serviceId,
      state: deliveryQueue.state,
      n: count(),
      retrying: sql<number>`count(*) filter (where ${deliveryQueue.attemptCount} > 0)`.mapWith(Number),
      oldest: min(deliveryQueue.createdAt),
    })
    .from(deliveryQueue)
    .groupBy(deliveryQueue.serviceId, deliveryQueue.state)
    .unionAll(
      db
        .select({
          serviceId: deliveryLogDailyCounts.serviceId,
          state: deliveryLogDailyCounts.state,
          n: sql<number>`sum(${deliveryLogDailyCounts.n})::int`.mapWith(Number),
          retrying: sql<number>`0`.mapWith(Number),
          oldest: sql<Date | null>`null::timestamptz`,
        })
        .from(deliveryLogDailyCounts)
        .groupBy(deliveryLogDailyCounts.serviceId, deliveryLogDailyCounts.state),
    );
  const totals = emptyStates();
  const perService = new Map<string, { byState: Record<DeliveryState, number>; retrying: number; oldestWaitingAt: Date | null }>();
  for (const row of perServiceRows) {
    totals[row.state] += row.n;
    const entry = perService.get(row.serviceId) ?? { byState: emptyStates(), retrying: 0, oldestWaitingAt: null };
    entry.byState[row.state] += row.n;
    if (row.state === "pending") entry.retrying += row.retrying;
    if ((row.state === "pending" || row.state === "in_flight") && row.oldest) {
      const oldest = new Date(row.oldest);
      if (!entry.oldestWaitingAt || oldest < entry.oldestWaitingAt) entry.oldestWaitingAt = oldest;
    }
    perService.set(row.serviceId, entry);
  }

  // Attempts started on the period's days (`start` is a UTC midnight).
  const [attemptRow] = await db
    .select({
      total: sql<number>`coalesce(sum(${deliveryAttemptDailyCounts.attempts}), 0)`.mapWith(Number),
      succeeded: sql<number>`coalesce(sum(${deliveryAttemptDailyCounts.succeeded}), 0)`.mapWith(Number),
    })
    .from(deliveryAttemptDailyCounts)
    .where(gte(deliveryAttemptDailyCounts.day, start.toISOString().slice(0, 10)));
  const attempts = { total: attemptRow?.total ?? 0, succeeded: attemptRow?.succeeded ?? 0 };

  const serviceRows = await db
    .select({ service: services, endpoint: webhookEndpoints, heldChanges: heldChangesCount })
    .from(services)
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.serviceId, services.id))
    .orderBy(services.slug);
  const health: ServiceHealth[] = serviceRows.map(({ service, endpoint, heldChanges }) => {
    const { byState, retrying, oldestWaitingAt } = perService.get(service.id) ?? { byState: emptyStates(), retrying: 0, oldestWaitingAt: null };
    const kind = endpoint ? endpointStateKind(endpoint) : null;
    let state: ServiceHealth["health"] = "ok";
    if (!endpoint) state = "sans_webhook";
    else if (!endpoint.enabled || !service.enabled) state = "desactive";
    else if (kind === "en_echec" || endpoint.consecutiveFailures > 0) state = "en_echec";
    else if (byState.failed > 0) state = "degrade";
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
            failingSince: endpoint.failingSince,
            lastSuccessAt: endpoint.lastSuccessAt,
            lastFailureAt: endpoint.lastFailureAt,
            heldChanges: Number(heldChanges ?? 0),
          }
        : null,
      byState,
      retrying,
      oldestWaitingAt,
      needsAttention: state === "en_echec" || state === "desactive",
      health: state,
    };
  });
  health.sort((a, b) => Number(b.needsAttention) - Number(a.needsAttention));

  const series = await countDeliveriesPerDay(db, { now, days });
  const unexpanded = await countQueuedEvents(db);

  return {
    byState: totals,
    total: deliveryStates.reduce((sum, s) => sum + totals[s], 0),
    /** Attempts started in the period, and how many the receiver accepted (2xx). */
    attempts,
    successRate: attempts.total === 0 ? null : attempts.succeeded / attempts.total,
    retrying: health.reduce((sum, s) => sum + s.retrying, 0),
    backlog: totals.pending + totals.in_flight,
    /** Changes written whose deliveries the worker has not created yet (expand-events.ts, issue #17). */
    unexpanded,
    services: health,
    series,
  };
}
