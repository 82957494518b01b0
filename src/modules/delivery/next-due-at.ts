// When the next delivery becomes claimable by time alone: the earliest future retry or lease
// expiry. Drivers sleep until then instead of polling blindly (deliveries already due but blocked
// behind their lane's head are woken by that head's completion, not by time).
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

export async function nextDueAt(db: DbOrTx): Promise<Date | null> {
  const [row] = rowsOf<{ at: string | Date | null }>(
    await db.execute(sql`
      select least(
        (select min(d.next_attempt_at) from deliveries d join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
          join services sv on sv.id = d.service_id and sv.enabled
          where d.state = 'pending' and d.next_attempt_at > now()),
        (select min(lease_expires_at) from deliveries where state = 'in_flight')
      ) as at`),
  );
  return row?.at ? new Date(row.at) : null;
}
