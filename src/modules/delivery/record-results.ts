// Writes the outcome of a batch of attempts in one transaction: the deliveries' next state, the
// append-only attempt rows and the endpoints' health. A result is accepted only while its worker
// still holds the lease for that attempt; a worker whose lease was taken over writes nothing.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import type { AttemptOutcome } from "./attempt-delivery";
import type { ClaimedDelivery } from "./claim-deliveries";
import { nextRetryDelay, parseRetryAfter } from "./compute-retry";
import { deliveryColumnsSql, deliveryValuesSql, type DeliveryColumn } from "./move-deliveries";
import type { DeliveryOptions } from "./delivery-options";
import { recordEndpointHealth, type EndpointHealthOptions, type HealthSummary } from "./record-endpoint-health";

export type DeliveryResult = { delivery: ClaimedDelivery; outcome: AttemptOutcome };

export type NextState = { state: "delivered" | "pending" | "failed"; delayMs: number | null; retryStep: number };

type HealthOptions = Pick<DeliveryOptions, "scheduleMs" | "maxRetryAfterMs" | "random"> & EndpointHealthOptions;

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

/** What the log row of a settled delivery (alias `d`, its outcome `v`) takes from the outcome. */
const settledValues: Partial<Record<DeliveryColumn, SQL>> = {
  state: sql`v.state`,
  last_status_code: sql`v.status`,
  last_error: sql`v.error`,
  delivered_at: sql`case when v.state = 'delivered' then now() else d.delivered_at end`,
  updated_at: sql`now()`,
};

export type RecordSummary = HealthSummary & { recorded: number; delivered: number };

export async function recordResults(db: Db, owner: string, results: DeliveryResult[], options: HealthOptions): Promise<RecordSummary> {
  const summary: RecordSummary = { recorded: 0, delivered: 0, failing: [], disabled: [], alerted: [] };
  if (results.length === 0) return summary;
  const decided = results.map((r) => ({ ...r, next: decideNextState(r.delivery, r.outcome, options) }));
  // Outcomes travel as one JSON parameter: one round trip and one statement (atomic on its own)
  // for the state of every delivery and its attempt row, whatever the batch size.
  const payload = JSON.stringify(
    decided.map((r) => ({
      id: r.delivery.id,
      attempt: r.delivery.attemptNumber,
      state: r.next.state,
      delay: r.next.delayMs,
      retry_step: r.next.retryStep,
      status: r.outcome.statusCode,
      error: errorSummary(r.outcome),
      trigger: r.delivery.trigger,
      started_at: r.outcome.startedAt.toISOString(),
      duration_ms: r.outcome.durationMs,
      excerpt: r.outcome.excerpt,
      event_id: r.delivery.eventId,
      porteur_hash: r.outcome.excerpt === null ? null : r.delivery.porteurHash,
      error_class: r.outcome.errorClass,
      error_message: r.outcome.errorMessage,
    })),
  );
  const accepted = new Set(
    rowsOf<{ id: string | number }>(
      await db.execute(sql`
        with v as (
          select * from jsonb_to_recordset(${payload}::jsonb) as v(
            id bigint, attempt int, state text, delay bigint, retry_step int, status int, error text, trigger text,
            started_at timestamptz, duration_ms int, excerpt text, event_id text, porteur_hash text, error_class text,
            error_message text)
        ),
        -- A receiver may echo the body it got, porteur included. An erasure of that porteur that
        -- committed while the attempt was in flight has cleared the event's hash: its excerpt is then
        -- not kept. The share lock waits for an erasure in progress on these events, and an erasure
        -- that comes after waits for this statement, then clears the excerpt written here
        -- (scrub-porteur-from-bodies.ts locks the events before clearing excerpts; issue #15 item 7).
        named as (
          select ev.id, ev.porteur_email_hash from events ev
          where ev.id in (select event_id from v where porteur_hash is not null)
          for share
        ),
        -- A retry stays in the queue; a settled delivery (delivered, or failed for good) moves to the
        -- log, written once with its final state (issue #17).
        upd as (
          update delivery_queue d
          set state = 'pending',
              next_attempt_at = now() + v.delay * interval '1 millisecond',
              retry_step = v.retry_step,
              next_trigger = 'auto',
              lease_owner = null,
              lease_expires_at = null,
              last_status_code = v.status,
              last_error = v.error,
              updated_at = now()
          from v
          where v.state = 'pending' and d.id = v.id and d.state = 'in_flight' and d.lease_owner = ${owner} and d.attempt_count = v.attempt
          returning d.id
        ),
        settled as (
          delete from delivery_queue d
          using v
          where v.state <> 'pending' and d.id = v.id and d.state = 'in_flight' and d.lease_owner = ${owner} and d.attempt_count = v.attempt
          returning d.*
        ),
        logged as (
          insert into delivery_log (${deliveryColumnsSql("delivery_log")})
          select ${deliveryValuesSql("delivery_log", "d", settledValues)}
          from settled d join v on v.id = d.id
        ),
        done as (select id from upd union all select id from settled),
        ins as (
          insert into delivery_attempts
            (delivery_id, attempt_number, trigger, started_at, duration_ms, status_code, response_excerpt, error_class, error_message)
          select v.id, v.attempt, v.trigger, v.started_at, v.duration_ms, v.status,
            case when v.porteur_hash is null
                   or exists (select 1 from named n where n.id = v.event_id and n.porteur_email_hash = v.porteur_hash)
                 then v.excerpt end,
            v.error_class, v.error_message
          from v join done on done.id = v.id
        )
        select id from done`),
    ).map((r) => Number(r.id)),
  );
  const kept = decided.filter((r) => accepted.has(r.delivery.id));
  const retrying = kept.filter((r) => r.next.state === "pending").map((r) => r.delivery.id);
  if (retrying.length > 0) {
    // The rest of a lane cannot go before its head: move it out of the due range until the head's
    // next attempt, so that claims do not walk over it at every round while the receiver is down.
    await db.execute(sql`
      update delivery_queue s
      set next_attempt_at = h.next_attempt_at
      from delivery_queue h
      where h.id in (${sql.join(retrying.map((id) => sql`${id}::bigint`), sql`, `)}) and h.project_id is not null
        and s.endpoint_id = h.endpoint_id and s.project_id = h.project_id and s.id > h.id
        and s.state = 'pending' and s.next_attempt_at < h.next_attempt_at`);
  }
  summary.recorded = kept.length;
  summary.delivered = kept.filter((r) => r.next.state === "delivered").length;
  if (kept.length === 0) return summary;

  await recordEndpointHealth(
    db,
    kept.map((r) => ({ deliveryId: r.delivery.id, endpointId: r.delivery.endpointId, outcome: r.outcome, delivered: r.next.state === "delivered" })),
    options,
    summary,
  );
  return summary;
}
