// Writes the outcome of a batch of attempts in one transaction: the deliveries' next state, the
// append-only attempt rows and the endpoints' health. A result is accepted only while its worker
// still holds the lease for that attempt; a worker whose lease was taken over writes nothing.
import { sql } from "drizzle-orm";
import { deliveryAttempts } from "@/db/schema";
import { rowsOf, type Db } from "@/db/client";
import { disableEndpointAutomatically } from "@/modules/webhooks/disable-endpoint";
import type { AttemptOutcome } from "./attempt-delivery";
import type { ClaimedDelivery } from "./claim-deliveries";
import { nextRetryDelay, parseRetryAfter } from "./compute-retry";
import type { DeliveryOptions } from "./delivery-options";

export type DeliveryResult = { delivery: ClaimedDelivery; outcome: AttemptOutcome };

export type NextState = { state: "delivered" | "pending" | "failed"; delayMs: number | null; retryStep: number };

type HealthOptions = Pick<DeliveryOptions, "scheduleMs" | "maxRetryAfterMs" | "random" | "warnAfterFailures" | "disableAfterMs">;

export function decideNextState(delivery: ClaimedDelivery, outcome: AttemptOutcome, options: HealthOptions): NextState {
  const retryStep = delivery.retryStep + 1;
  const code = outcome.statusCode;
  if (code !== null && code >= 200 && code < 300) return { state: "delivered", delayMs: null, retryStep };
  if (code === 410) return { state: "failed", delayMs: null, retryStep };
  const delayMs = nextRetryDelay({
    step: retryStep,
    scheduleMs: options.scheduleMs,
    statusCode: code,
    retryAfterMs: parseRetryAfter(outcome.retryAfter, outcome.startedAt),
    maxRetryAfterMs: options.maxRetryAfterMs,
    random: options.random,
  });
  return delayMs === null ? { state: "failed", delayMs: null, retryStep } : { state: "pending", delayMs, retryStep };
}

function errorSummary(outcome: AttemptOutcome): string | null {
  if (outcome.errorClass === null) return null;
  if (outcome.errorClass === "http") return `HTTP ${outcome.statusCode}`;
  return `${outcome.errorClass}: ${outcome.errorMessage ?? ""}`.slice(0, 500);
}

export type RecordSummary = {
  recorded: number;
  delivered: number;
  /** Endpoints that just crossed the warning threshold of consecutive failures. */
  failing: { endpointId: string; consecutiveFailures: number }[];
  disabled: { endpointId: string; reason: string }[];
};

export async function recordResults(db: Db, owner: string, results: DeliveryResult[], options: HealthOptions): Promise<RecordSummary> {
  const summary: RecordSummary = { recorded: 0, delivered: 0, failing: [], disabled: [] };
  if (results.length === 0) return summary;
  const decided = results.map((r) => ({ ...r, next: decideNextState(r.delivery, r.outcome, options) }));
  await db.transaction(async (tx) => {
    const values = sql.join(
      decided.map(
        (r) =>
          sql`(${r.delivery.id}::bigint, ${r.delivery.attemptNumber}::int, ${r.next.state}::text, ${r.next.delayMs}::bigint, ${r.next.retryStep}::int, ${r.outcome.statusCode}::int, ${errorSummary(r.outcome)}::text)`,
      ),
      sql`, `,
    );
    const accepted = new Set(
      rowsOf<{ id: string | number }>(
        await tx.execute(sql`
          update deliveries d
          set state = v.state,
              next_attempt_at = case when v.delay is null then d.next_attempt_at else now() + v.delay * interval '1 millisecond' end,
              retry_step = v.retry_step,
              next_trigger = 'auto',
              lease_owner = null,
              lease_expires_at = null,
              last_status_code = v.status,
              last_error = v.error,
              delivered_at = case when v.state = 'delivered' then now() else d.delivered_at end,
              updated_at = now()
          from (values ${values}) as v(id, attempt, state, delay, retry_step, status, error)
          where d.id = v.id and d.state = 'in_flight' and d.lease_owner = ${owner} and d.attempt_count = v.attempt
          returning d.id`),
      ).map((r) => Number(r.id)),
    );
    const kept = decided.filter((r) => accepted.has(r.delivery.id));
    if (kept.length === 0) return;
    await tx.insert(deliveryAttempts).values(
      kept.map((r) => ({
        deliveryId: r.delivery.id,
        attemptNumber: r.delivery.attemptNumber,
        trigger: r.delivery.trigger,
        startedAt: r.outcome.startedAt,
        durationMs: r.outcome.durationMs,
        statusCode: r.outcome.statusCode,
        responseExcerpt: r.outcome.excerpt,
        errorClass: r.outcome.errorClass,
        errorMessage: r.outcome.errorMessage,
      })),
    );
    summary.recorded = kept.length;
    summary.delivered = kept.filter((r) => r.next.state === "delivered").length;

    // Endpoint health, once per endpoint of the batch (results are in completion order).
    const byEndpoint = new Map<string, typeof kept>();
    for (const r of kept) byEndpoint.set(r.delivery.endpointId, [...(byEndpoint.get(r.delivery.endpointId) ?? []), r]);
    for (const [endpointId, list] of byEndpoint) {
      if (list.some((r) => r.outcome.statusCode === 410)) {
        const reason = "le récepteur a répondu 410 Gone";
        if (await disableEndpointAutomatically(tx, endpointId, reason)) summary.disabled.push({ endpointId, reason });
        continue;
      }
      const lastSuccess = list.map((r) => r.next.state === "delivered").lastIndexOf(true);
      const failuresAfter = list.length - 1 - lastSuccess;
      if (lastSuccess >= 0) {
        await tx.execute(sql`
          update webhook_endpoints
          set consecutive_failures = ${failuresAfter},
              failing_since = case when ${failuresAfter}::int > 0 then now() else null end,
              last_success_at = now(),
              last_failure_at = case when ${failuresAfter}::int > 0 then now() else last_failure_at end,
              updated_at = now()
          where id = ${endpointId}`);
        continue;
      }
      const firstFailure = list[0]!.outcome.startedAt.toISOString();
      const [row] = rowsOf<{ consecutive_failures: number; disable: boolean }>(
        await tx.execute(sql`
          update webhook_endpoints
          set consecutive_failures = consecutive_failures + ${list.length},
              failing_since = coalesce(failing_since, ${firstFailure}::timestamptz),
              last_failure_at = now(),
              updated_at = now()
          where id = ${endpointId}
          returning consecutive_failures,
                    (enabled and failing_since < now() - ${options.disableAfterMs} * interval '1 millisecond') as disable`),
      );
      if (!row) continue;
      const before = row.consecutive_failures - list.length;
      if (before < options.warnAfterFailures && row.consecutive_failures >= options.warnAfterFailures) {
        summary.failing.push({ endpointId, consecutiveFailures: row.consecutive_failures });
      }
      if (row.disable) {
        const days = Math.round(options.disableAfterMs / 86_400_000);
        const reason = `aucune livraison réussie depuis plus de ${days} jour${days > 1 ? "s" : ""}`;
        if (await disableEndpointAutomatically(tx, endpointId, reason)) summary.disabled.push({ endpointId, reason });
      }
    }
  });
  return summary;
}
