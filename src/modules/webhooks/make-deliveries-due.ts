// After a URL change or a re-enable, a receiver's waiting deliveries should not sit out a retry
// wait computed for the old URL or for the time it was off (CONTRACT §8: they become due at once).
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";

/**
 * Makes every pending delivery of `endpointId` due now (`next_attempt_at = now()`), keeping lane
 * order (claims still take one head per lane, in id order), if the endpoint and its service are
 * both enabled: else they stay parked (park-deliveries.ts). Wakes the delivery workers at commit
 * when some were waiting. Returns how many were moved.
 */
export async function makeDeliveriesDue(tx: DbOrTx, endpointId: string): Promise<number> {
  const moved = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update delivery_queue d set next_attempt_at = now(), updated_at = now()
      where endpoint_id = ${endpointId} and state = 'pending' and next_attempt_at > now()
        and exists (select 1 from webhook_endpoints e join services s on s.id = e.service_id
                    where e.id = ${endpointId} and e.enabled and s.enabled)
      returning d.id`),
  ).length;
  if (moved > 0) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return moved;
}
