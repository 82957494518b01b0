// The "failing for M minutes" half of the alert rule (issue #11: "N consecutive failures or failing
// for M minutes"). The recorder of attempts (record-endpoint-health.ts) applies both conditions, but
// only when an attempt ends: an endpoint whose failed delivery waits for a distant retry, or whose
// retries ran out, would never cross the time condition without new traffic. The drivers call this
// every minute so that the time condition holds on the clock, not on the traffic.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { enqueueEndpointAlert } from "./enqueue-alert";

/**
 * Moves to `failing` every enabled endpoint still announced `ok` whose `failing_since` is at least
 * `alertAfterMs` (ms) old on the database clock, and queues its alert mails in the same
 * transaction (one per recipient, see enqueue-alert.ts). The conditional update is the claim: two
 * instances running it at once queue each mail once. Returns the endpoints that moved.
 */
export async function alertLongFailures(db: Db, alertAfterMs: number): Promise<{ endpointIds: string[] }> {
  return db.transaction(async (tx) => {
    const moved = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update webhook_endpoints
        set alert_state = 'failing', updated_at = now()
        where enabled and alert_state = 'ok' and failing_since is not null
          and failing_since <= now() - ${alertAfterMs} * interval '1 millisecond'
        returning id`),
    ).map((r) => r.id);
    for (const endpointId of moved) await enqueueEndpointAlert(tx, "failing", endpointId);
    return { endpointIds: moved };
  });
}
