// Periodic jobs on several instances (issue #16): each worker and web instance has the same timers,
// and a job that must not run twice at once (or twice per period) is claimed first. The claim is one
// upsert that moves the job's `started_at` to now only when its period has passed, by the database's
// clock: one instance gets the row back and runs the job, the others get nothing and skip this turn.
// Unlike a session advisory lock, it needs no dedicated connection and survives a pooler.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

/**
 * Claims `name` for this period of `periodMs` ms: true when the caller should run the job now
 * (no instance started it within the last `periodMs` ms), false otherwise. A job whose runner
 * crashed is claimed again one period later.
 */
export async function claimPeriodicJob(db: DbOrTx, name: string, periodMs: number): Promise<boolean> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`
      insert into periodic_jobs as j (name, started_at) values (${name}, now())
      on conflict (name) do update set started_at = now()
      where j.started_at <= now() - ${periodMs} * interval '1 millisecond'
      returning j.name`),
  );
  return rows.length > 0;
}
