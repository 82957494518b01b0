// The delivery path's queues and their upkeep (issue #17). Every delivery passes through
// `delivery_queue` (inserted, leased, then deleted when it settles), and every change through
// `event_fanouts` (one row per write, deleted by its expansion), so their pages fill with dead
// versions at the rate of the traffic while they only ever hold the backlog. A VACUUM makes that
// space reusable (and gives back the empty pages at the end of the file), so that their size
// follows the backlog, not the traffic. PostgreSQL's autovacuum would come too (after a fifth of the
// table changed, a minute apart at best, and later when it is busy with large tables); the embedded
// database, PGlite, has none: without this, `event_fanouts` grew by ~560 bytes a write for ever,
// and the expansion and the dashboard read every page of it (34 MB after the bench's write phases).
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";

/** How often the drivers vacuum the queue (ms): the embedded worker's tick and the Inngest cron. */
export const QUEUE_VACUUM_EVERY_MS = 10_000;

/**
 * Vacuums `delivery_queue` and `event_fanouts`, skipping a table when another session holds a
 * conflicting lock on it (another instance vacuuming: SKIP_LOCKED) rather than waiting. Runs outside
 * any transaction (VACUUM cannot run in one): `db` must be the database handle, not a transaction.
 * Cost: one pass over each queue's pages, which the backlog bounds. Giving back the empty pages at
 * the end of a file takes the table's strongest lock without ever waiting in line for it:
 * PostgreSQL retries for up to 5 s per table while other sessions hold locks on it (this call holds
 * its connection that long), and once it has the lock lets it go within ~20 ms of another session
 * (a write, the expansion, a claim) asking for one. The hub's database role must own the tables (it
 * runs the migrations): PostgreSQL skips a table it does not own with a mere warning.
 */
export async function vacuumDeliveryQueue(db: Db): Promise<void> {
  await db.execute(sql`vacuum (skip_locked) delivery_queue, event_fanouts`);
}
