// While an endpoint or its service is disabled, its pending deliveries wait. Left due, they would
// sit in the claims' due-index walk at every round (a claim joins them to their disabled endpoint
// only to skip them): a receiver disabled after days of failures keeps a large backlog. Parked out
// of the due range instead, like the rows behind a retrying lane head, until a re-enable makes
// them due again (make-deliveries-due.ts).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";

/** `next_attempt_at` of a delivery waiting for its endpoint or service to be enabled again. */
export const PARKED_UNTIL = "9999-12-31T00:00:00Z";

/** Whether a pending delivery's next attempt is a parked one (console display). */
export function isParked(nextAttemptAt: Date): boolean {
  return nextAttemptAt.getTime() >= Date.parse(PARKED_UNTIL);
}

/** Parks every pending delivery of `endpointId` until a re-enable (order within lanes is kept by ids). */
export async function parkDeliveries(tx: DbOrTx, endpointId: string): Promise<void> {
  await tx.execute(sql`
    update delivery_queue set next_attempt_at = ${PARKED_UNTIL}::timestamptz, updated_at = now()
    where endpoint_id = ${endpointId} and state = 'pending' and next_attempt_at < ${PARKED_UNTIL}::timestamptz`);
}
