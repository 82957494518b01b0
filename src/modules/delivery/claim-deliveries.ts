// Claims due deliveries for one worker: a batch taken with FOR UPDATE SKIP LOCKED (concurrent
// workers never take the same row) and leased until `leaseMs` from now. Only the head of each
// (endpoint, project) lane is eligible, and only while nothing of its lane is in flight, so that
// one delivery per lane is in flight at a time, in id (= version) order — replays included: a
// replayed old delivery becomes its lane's head again while a newer one may still be in flight
// (replay-delivery.ts, issue #15 item 5). A delivery whose lease expired (its worker died) is taken
// again and its lost attempt logged. Deliveries of a disabled endpoint or service are never taken,
// leases included: `claimableDeliveries` is shared with next-due-at.ts, so that the loop never
// wakes for work the claim will not take (issue #15 item 6). The per-endpoint in-flight cap is
// counted in the database, over every worker (issue #16): claims are serialized by a transaction
// advisory lock, so each one sees the leases the previous one committed.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { renderDeliveryBody, type StoredReceiverView } from "@/modules/outbox/render-delivery-body";

export type ClaimedDelivery = {
  id: number;
  eventId: string;
  endpointId: string;
  /** The bytes to send; null once purged by retention. */
  body: string | null;
  /** Number of the attempt this claim is for (1-based, over the delivery's whole life). */
  attemptNumber: number;
  /** Automatic attempts already made in the current retry cycle. */
  retryStep: number;
  trigger: "auto" | "manual";
  /** Slug of the receiving service (metrics label). */
  service: string;
  /** Taken over from a worker whose lease expired (it crashed or stalled). */
  lostLease: boolean;
  /**
   * HMAC of the porteur email the body names, as the event held it at claim time (null: no
   * porteur). record-results keeps the response excerpt only while the event still holds it: an
   * erasure that committed meanwhile clears it (issue #15 item 7).
   */
  porteurHash: string | null;
  /** The API request that made the change, if any (event-origin.ts): logs and trace of the attempt. */
  origin: { requestId: string | null; traceParent: string | null };
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
};

type Row = {
  id: string | number;
  event_id: string;
  endpoint_id: string;
  event_body: string | null;
  porteur_hash: string | null;
  request_id: string | null;
  trace_parent: string | null;
  receiver_view: StoredReceiverView | null;
  attempt_count: number;
  retry_step: number;
  next_trigger: "auto" | "manual";
  lost: boolean;
  service_slug: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | Date | null;
};

/**
 * `from` clause of the deliveries a worker may take: those of an enabled endpoint of an enabled
 * service (a disabled one receives nothing; its queue waits for it to be enabled again). The claim
 * and `nextDueAt` both use it, so that they agree on what is due (issue #15 item 6).
 */
export const claimableDeliveries = sql`
  from delivery_queue d
  join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
  join services sv on sv.id = d.service_id and sv.enabled`;

/** Arbitrary constant: the claims of every worker, one at a time (the in-flight cap is counted exactly). */
const CLAIM_LOCK_KEY = 727_072_016;

/**
 * Claims up to `limit` due deliveries for `owner`, leased for `leaseMs` ms, taking at most
 * `maxInFlightPerEndpoint` in flight per endpoint over all workers (leases of every worker counted
 * in the database; default: no cap). Returns them in id order with the bytes to send. One
 * transaction after the claim lock: one statement picks and locks the batch, one leases it and
 * reads the bodies (issue #17), one commit.
 */
export async function claimDeliveries(
  db: DbOrTx,
  options: { owner: string; limit: number; leaseMs: number; maxInFlightPerEndpoint?: number },
): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const cap = options.maxInFlightPerEndpoint ?? null;
  // Endpoints already at the cap are left out of the due walk, so that it goes on to other
  // endpoints' work…
  const full = cap === null ? sql`` : sql`and d.endpoint_id not in (select f.endpoint_id from in_flight f where f.n >= ${cap})`;
  // …and the others get at most what is left under their cap from this batch.
  const capped = cap === null
    ? sql`select id, lost from pending_due`
    : sql`select c.id, c.lost from (
          select pd.id, pd.lost, pd.endpoint_id, row_number() over (partition by pd.endpoint_id order by pd.id) as rank
          from pending_due pd) c
        left join in_flight f on f.endpoint_id = c.endpoint_id
        where c.rank + coalesce(f.n, 0) <= ${cap}`;
  // Its commit does not wait for the WAL flush: a claim lost in a database crash
  // only leaves its deliveries pending (sent again, which at-least-once allows), while the flush
  // wait would sit on the path of every delivery, between the commit of a change and the receiver.
  // The due rows must be walked in index order, stopping after the batch: the statistics of a queue
  // table are always stale, and the planner, believing few rows due, read the whole backlog through
  // a bitmap scan and sorted it (50 ms per claim with 6,000 due, and the backlog grew from there).
  // The cap's per-endpoint ranking still sorts the (small) batch; the cost that `enable_sort = off`
  // puts on it would make PostgreSQL JIT-compile the statement (seconds per claim): no JIT here.
  const rows = await db.transaction(async (tx) => {
    // The lock first, in its own statement: the claim's snapshot, taken after it, sees the leases
    // of the claim that held it before (read committed).
    await tx.execute(sql`
      select pg_advisory_xact_lock(${CLAIM_LOCK_KEY}), set_config('synchronous_commit', 'off', true), set_config('jit', 'off', true), set_config('enable_bitmapscan', 'off', true),
             set_config('enable_sort', 'off', true)`);
    // First statement: pick the batch (ids only) and lock it.
    const picked = rowsOf<{ id: string | number; lost: boolean }>(
      await tx.execute(sql`
        with in_flight_rows as materialized (
          -- The leases held over every worker, read once per claim (issue #17). Before, the cap's
          -- count ran once per candidate and the lane check once more, and each walked the entries
          -- of delivery_queue_in_flight_idx: one per delivery ever claimed until the table is
          -- vacuumed (an entry is left when its row is settled, and a scan only skips it after a heap
          -- fetch while any older transaction runs), 15,000 heap fetches per walk midway through a
          -- drain of 30,000.
          select f.endpoint_id, f.project_id, f.lease_expires_at
          from delivery_queue f where f.state = 'in_flight'
        ),
        in_flight as materialized (
          select endpoint_id, count(*) as n, min(lease_expires_at) as first_expiry
          from in_flight_rows group by endpoint_id
        ),
        pending_due as (
          -- Walks the due index in time order and stops after the limit of lane heads: the cost is the
          -- batch plus the rows waiting behind heads in flight, not the size of the backlog (rows
          -- behind a head waiting for its retry are kept out of the due range, see record-results).
          select d.id, false as lost, d.endpoint_id
          ${claimableDeliveries}
          where d.state = 'pending' and d.next_attempt_at <= now()
            ${full}
            and (d.project_id is null or (
              -- The lane's head: no earlier queued delivery (delivery_queue_lane_idx, stops at the first)…
              not exists (
                select 1 from delivery_queue p
                where p.endpoint_id = d.endpoint_id and p.project_id = d.project_id and p.id < d.id)
              -- …and nothing of its lane in flight, a later one included (read once above).
              and not exists (
                select 1 from in_flight_rows f where f.endpoint_id = d.endpoint_id and f.project_id = d.project_id)))
          order by d.next_attempt_at
          limit ${options.limit}
          for update of d skip locked
        ),
        expired as (
          -- Leases of crashed workers: rare, taken first-expired first. The in-flight rows are few
          -- (the workers' windows): read through delivery_queue_in_flight_idx and sorted.
          select d.id, true as lost
          ${claimableDeliveries}
          where d.state = 'in_flight' and d.lease_expires_at < now()
            -- Evaluated once: the in-flight rows are not read a second time when no lease has expired.
            and exists (select 1 from in_flight x where x.first_expiry < now())
          order by d.lease_expires_at
          limit ${options.limit}
          for update of d skip locked
        ),
        due as (${capped})
        select id, lost from due union all select id, lost from expired`),
    );
    if (picked.length === 0) return [];
    // Second statement: lease the picked rows (locked by the first) by primary key and read what
    // to send. In the first, the cost that `enable_sort = off` puts on the cap's ranking (10^10)
    // reached the join of this update: all its plans cost the same within the planner's 1 % fuzz,
    // and it hashed the whole deliveries and events tables to find the batch (25 ms for 64 rows
    // over a 30,000-row table, growing with the log; issue #17).
    const ids = `{${picked.map((r) => String(r.id)).join(",")}}`;
    const lostIds = `{${picked.filter((r) => r.lost === true).map((r) => String(r.id)).join(",")}}`;
    return rowsOf<Row>(
      await tx.execute(sql`
        with claimed as (
          update delivery_queue d
          set state = 'in_flight',
              lease_owner = ${options.owner},
              lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond',
              attempt_count = d.attempt_count + 1,
              updated_at = now()
          from webhook_endpoints e, events ev, services s
          where d.id = any(${ids}::bigint[]) and e.id = d.endpoint_id and ev.id = d.event_id and s.id = d.service_id
          returning d.id, d.event_id, d.endpoint_id, ev.body as event_body, ev.porteur_email_hash as porteur_hash,
                    ev.request_id, ev.trace_parent, d.receiver_view,
                    d.attempt_count, d.retry_step, d.next_trigger, d.id = any(${lostIds}::bigint[]) as lost, s.slug as service_slug,
                    e.url, e.secret, e.previous_secret, e.previous_secret_expires_at
        ),
        -- The previous holder may or may not have reached the receiver: say so in the log.
        lost as (
          insert into delivery_attempts (delivery_id, attempt_number, trigger, started_at, error_class, error_message)
          select id, attempt_count - 1, next_trigger, now(), 'lost',
                 'Bail expiré : le worker qui tentait cette livraison s''est interrompu.'
          from claimed where lost
        )
        select * from claimed`),
    );
  });
  return rows
    .map((r) => ({
      id: Number(r.id),
      eventId: r.event_id,
      endpointId: r.endpoint_id,
      body: renderDeliveryBody({ eventBody: r.event_body, receiverView: r.receiver_view }),
      attemptNumber: r.attempt_count,
      retryStep: r.retry_step,
      trigger: r.next_trigger,
      service: r.service_slug,
      lostLease: r.lost === true,
      porteurHash: r.porteur_hash,
      origin: { requestId: r.request_id, traceParent: r.trace_parent },
      url: r.url,
      secret: r.secret,
      previousSecret: r.previous_secret,
      previousSecretExpiresAt: r.previous_secret_expires_at ? new Date(r.previous_secret_expires_at) : null,
    }))
    .sort((a, b) => a.id - b.id);
}
