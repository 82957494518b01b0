// The endpoints' health after attempts (issues #4, #11): consecutive failures, failing since, last
// success, automatic disabling (410, or no success for too long) and the alert state with its mails.
// Shared by the worker's batches (record-results.ts) and the console's immediate replays
// (replay-delivery.ts): a receiver that answers again is healthy whoever sent the request.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { enqueueEndpointAlert } from "@/modules/alerts/enqueue-alert";
import { disableEndpointAutomatically } from "@/modules/webhooks/disable-endpoint";
import type { AttemptOutcome } from "./attempt-delivery";
import type { DeliveryOptions } from "./delivery-options";

export type EndpointHealthOptions = Pick<DeliveryOptions, "warnAfterFailures" | "disableAfterMs" | "alertAfterFailures" | "alertAfterMs">;

/** What the health of a batch moved (the worker's log and metrics). */
export type HealthSummary = {
  /** Endpoints that just crossed the warning threshold of consecutive failures. */
  failing: { endpointId: string; consecutiveFailures: number }[];
  disabled: { endpointId: string; reason: string }[];
  /** Endpoints whose alert state moved (issue #11): their mails are queued. */
  alerted: { endpointId: string; kind: "failing" | "recovered" }[];
};

/** One recorded attempt, as the health needs it. */
export type HealthResult = { deliveryId: number; endpointId: string; outcome: Pick<AttemptOutcome, "statusCode" | "startedAt">; delivered: boolean };

/**
 * Updates the health of every endpoint in `results` (recorded attempts, in completion order), once
 * per endpoint, and adds to `summary` the endpoints that crossed the warning threshold, were
 * disabled, or whose alert state moved (their mails queued in the same transaction).
 */
export async function recordEndpointHealth(
  db: Db,
  results: HealthResult[],
  options: EndpointHealthOptions,
  summary: HealthSummary,
): Promise<void> {
  if (results.length === 0) return;
  const byEndpoint = new Map<string, HealthResult[]>();
  for (const r of results) {
    const list = byEndpoint.get(r.endpointId);
    if (list) list.push(r);
    else byEndpoint.set(r.endpointId, [r]);
  }
  // Healthy: its latest result in the batch was a success, and no receiver said 410 Gone.
  const healthy = [...byEndpoint]
    .filter(([, list]) => list[list.length - 1]!.delivered && !list.some((r) => r.outcome.statusCode === 410))
    .map(([endpointId]) => endpointId);
  let recovering: string[] = [];
  if (healthy.length > 0) {
    // The common case, in one statement that writes only when something changes: a healthy
    // endpoint's row is not rewritten by every batch (last_success_at is kept to within 10 s).
    // Endpoints whose failure or disabling was announced are left out and returned: their recovery
    // and its mails are written together in the transaction below (issue #11).
    const ids = sql.join(healthy.map((id) => sql`${id}::uuid`), sql`, `);
    recovering = rowsOf<{ id: string }>(
      await db.execute(sql`
        with upd as (
          update webhook_endpoints
          set consecutive_failures = 0, failing_since = null, last_success_at = now(), updated_at = now()
          where id in (${ids}) and alert_state = 'ok'
            and (consecutive_failures <> 0 or failing_since is not null or last_success_at is null
                 or last_success_at < now() - interval '10 seconds')
          returning id
        )
        select id from webhook_endpoints where id in (${ids}) and alert_state <> 'ok' and enabled`),
    ).map((r) => r.id);
  }
  const unhealthy = [...byEndpoint].filter(([id]) => !healthy.includes(id));
  if (unhealthy.length === 0 && recovering.length === 0) return;
  await db.transaction(async (tx) => {
    for (const endpointId of recovering) {
      const [row] = rowsOf<{ id: string }>(
        await tx.execute(sql`
          update webhook_endpoints
          set consecutive_failures = 0, failing_since = null, last_success_at = now(), updated_at = now(), alert_state = 'ok'
          where id = ${endpointId} and alert_state <> 'ok' and enabled
          returning id`),
      );
      if (!row) continue;
      await enqueueEndpointAlert(tx, "recovered", endpointId);
      summary.alerted.push({ endpointId, kind: "recovered" });
    }
    for (const [endpointId, list] of unhealthy) {
      if (list.some((r) => r.outcome.statusCode === 410)) {
        const reason = "le récepteur a répondu 410 Gone";
        const refused = list.filter((r) => r.outcome.statusCode === 410).map((r) => r.deliveryId);
        if (await disableEndpointAutomatically(tx, endpointId, reason, refused)) summary.disabled.push({ endpointId, reason });
        continue;
      }
      const lastSuccess = list.map((r) => r.delivered).lastIndexOf(true);
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
      // The announced state, read under the row lock that the update below keeps: a concurrent
      // recorder of the same endpoint waits here, then sees this one's state (one mail per change).
      const [was] = rowsOf<{ alert_state: string }>(
        await tx.execute(sql`select alert_state from webhook_endpoints where id = ${endpointId} for update`),
      );
      // Right-hand sides read the row before the update: the alert condition is written on the new counts.
      const [row] = rowsOf<{ consecutive_failures: number; disable: boolean; alert: boolean }>(
        await tx.execute(sql`
          update webhook_endpoints
          set consecutive_failures = consecutive_failures + ${list.length},
              failing_since = coalesce(failing_since, ${firstFailure}::timestamptz),
              last_failure_at = now(),
              updated_at = now(),
              alert_state = case
                when enabled and alert_state <> 'failing'
                     and (consecutive_failures + ${list.length} >= ${options.alertAfterFailures}
                          or coalesce(failing_since, ${firstFailure}::timestamptz) <= now() - ${options.alertAfterMs} * interval '1 millisecond')
                then 'failing' else alert_state end
          where id = ${endpointId}
          returning consecutive_failures,
                    (enabled and failing_since < now() - ${options.disableAfterMs} * interval '1 millisecond') as disable,
                    (alert_state = 'failing' and ${was?.alert_state ?? "failing"}::text <> 'failing') as alert`),
      );
      if (!row) continue;
      if (row.alert) {
        await enqueueEndpointAlert(tx, "failing", endpointId);
        summary.alerted.push({ endpointId, kind: "failing" });
      }
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
}
