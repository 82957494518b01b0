// Claims due deliveries for one worker: a batch taken with FOR UPDATE SKIP LOCKED (concurrent
// workers never take the same row) and leased until `leaseMs` from now. Only the head of each
// (endpoint, project) lane is eligible, so that one delivery per lane is in flight at a time, in
// id (= version) order. A delivery whose lease expired (its worker died) is taken again and its
// lost attempt logged.
import { sql } from "drizzle-orm";
import { deliveryAttempts } from "@/db/schema";
import { rowsOf, type DbOrTx } from "@/db/client";

export type ClaimedDelivery = {
  id: number;
  eventId: string;
  endpointId: string;
  body: string | null;
  /** Number of the attempt this claim is for (1-based, over the delivery's whole life). */
  attemptNumber: number;
  /** Automatic attempts already made in the current retry cycle. */
  retryStep: number;
  trigger: "auto" | "manual";
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
};

type Row = {
  id: string | number;
  event_id: string;
  endpoint_id: string;
  body: string | null;
  attempt_count: number;
  retry_step: number;
  next_trigger: "auto" | "manual";
  lost: boolean;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | Date | null;
};

export async function claimDeliveries(
  db: DbOrTx,
  options: { owner: string; limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  return db.transaction(async (tx) => {
    const rows = rowsOf<Row>(
      await tx.execute(sql`
        with due as (
          select d.id, d.state = 'in_flight' as lost
          from deliveries d
          join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
          where ((d.state = 'pending' and d.next_attempt_at <= now())
                 or (d.state = 'in_flight' and d.lease_expires_at < now()))
            and (d.project_id is null or not exists (
                  select 1 from deliveries p
                  where p.endpoint_id = d.endpoint_id and p.project_id = d.project_id and p.id < d.id
                    and p.state in ('pending', 'in_flight')))
          order by d.next_attempt_at, d.id
          limit ${options.limit}
          for update of d skip locked
        )
        update deliveries d
        set state = 'in_flight',
            lease_owner = ${options.owner},
            lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond',
            attempt_count = d.attempt_count + 1,
            updated_at = now()
        from due, webhook_endpoints e
        where d.id = due.id and e.id = d.endpoint_id
        returning d.id, d.event_id, d.endpoint_id, d.body, d.attempt_count, d.retry_step, d.next_trigger, due.lost,
                  e.url, e.secret, e.previous_secret, e.previous_secret_expires_at`),
    );
    const lost = rows.filter((r) => r.lost);
    if (lost.length > 0) {
      // The previous holder may or may not have reached the receiver: say so in the log.
      await tx.insert(deliveryAttempts).values(
        lost.map((r) => ({
          deliveryId: Number(r.id),
          attemptNumber: r.attempt_count - 1,
          trigger: r.next_trigger,
          startedAt: new Date(),
          errorClass: "lost",
          errorMessage: "Bail expiré : le worker qui tentait cette livraison s'est interrompu.",
        })),
      );
    }
    return rows
      .map((r) => ({
        id: Number(r.id),
        eventId: r.event_id,
        endpointId: r.endpoint_id,
        body: r.body,
        attemptNumber: r.attempt_count,
        retryStep: r.retry_step,
        trigger: r.next_trigger,
        url: r.url,
        secret: r.secret,
        previousSecret: r.previous_secret,
        previousSecretExpiresAt: r.previous_secret_expires_at ? new Date(r.previous_secret_expires_at) : null,
      }))
      .sort((a, b) => a.id - b.id);
  });
}
