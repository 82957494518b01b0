// When the next delivery becomes claimable by time alone: the earliest future retry or lease
// expiry among the deliveries the claim may take (same `from` clause: enabled endpoint of an
// enabled service). Drivers sleep until then instead of polling blindly (deliveries already due but
// blocked behind their lane's head are woken by that head's completion, not by time). Events still
// queued for expansion (expand-events.ts) are work due now.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { claimableDeliveries } from "./claim-deliveries";

/**
 * Returns the time at which something the claim would take becomes due, strictly in the future
 * (what is due now was the claim's to take), or null when nothing is waiting. The wait is measured
 * by the database's clock and returned on this process's clock: a skew between the two never turns
 * into a wait of 0 (issue #15 item 6: a lease that had expired on a disabled endpoint made the
 * embedded worker claim in a loop without sleeping). Events waiting for expansion make it 1 ms
 * from now: the driver expands them at its next round (a write whose wake-up came while the
 * driver was busy is not left until `pollMs`).
 */
export async function nextDueAt(db: DbOrTx): Promise<Date | null> {
  // The due part walks its partial index in time order from now and stops at the first claimable
  // row; the lease part reads the few in-flight rows (delivery_queue_in_flight_idx).
  const [row] = rowsOf<{ in_ms: string | number | null }>(
    await db.execute(sql`
      select case when exists (select 1 from event_fanouts) then 0 else ceil(extract(epoch from least(
        (select d.next_attempt_at ${claimableDeliveries}
          where d.state = 'pending' and d.next_attempt_at > now() order by d.next_attempt_at limit 1),
        (select d.lease_expires_at ${claimableDeliveries}
          where d.state = 'in_flight' and d.lease_expires_at > now() order by d.lease_expires_at limit 1)
      ) - now()) * 1000) end as in_ms`),
  );
  if (row?.in_ms === null || row?.in_ms === undefined) return null;
  return new Date(Date.now() + Math.max(1, Number(row.in_ms)));
}
