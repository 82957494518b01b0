// Readiness of this instance (issue #16): the database answers, its schema is at the version this
// build expects, and how late the delivery worker is. Liveness stays /api/health.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { claimableDeliveries } from "@/modules/delivery/claim-deliveries";

export type Readiness =
  | { ready: true; appliedMigrations: number; expectedMigrations: number; workerLagSeconds: number }
  | { ready: false; reason: "database_unreachable" }
  | { ready: false; reason: "migrations_pending" | "schema_ahead"; appliedMigrations: number; expectedMigrations: number };

/** Migrations recorded by drizzle's migrator in the database; 0 when its table does not exist yet. */
export async function appliedMigrationCount(db: DbOrTx): Promise<number> {
  const [exists] = rowsOf<{ t: string | null }>(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`));
  if (!exists?.t) return 0;
  const [row] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`));
  return Number(row?.n ?? 0);
}

/**
 * Seconds since the oldest work the worker could do now was queued, by the database clock: a
 * delivery pending or in flight to an enabled endpoint of an enabled service, or an event written
 * and not yet expanded into its deliveries (expand-events.ts); 0 when none waits. Deliveries held
 * for a disabled endpoint do not count: they wait on purpose.
 */
export async function workerLagSeconds(db: DbOrTx): Promise<number> {
  const [row] = rowsOf<{ s: string | number | null }>(
    await db.execute(sql`select extract(epoch from now() - least(
      (select min(d.created_at) ${claimableDeliveries} where d.state in ('pending', 'in_flight')),
      (select ev.created_at from event_fanouts f join events ev on ev.id = f.event_id order by f.seq limit 1))) as s`),
  );
  return row?.s === null || row?.s === undefined ? 0 : Math.max(0, Number(row.s));
}

/**
 * Checks `db` against `expectedMigrations` (the build's `committedMigrationCount()`). Never throws:
 * a database that fails to answer within `timeoutMs` (ms) is `database_unreachable`.
 */
export async function checkReadiness(db: DbOrTx, expectedMigrations: number, timeoutMs = 2_000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    timer.unref();
  });
  try {
    const appliedMigrations = await Promise.race([appliedMigrationCount(db), timeout]);
    if (appliedMigrations !== expectedMigrations) {
      return { ready: false, reason: appliedMigrations < expectedMigrations ? "migrations_pending" : "schema_ahead", appliedMigrations, expectedMigrations };
    }
    return { ready: true, appliedMigrations, expectedMigrations, workerLagSeconds: await Promise.race([workerLagSeconds(db), timeout]) };
  } catch {
    return { ready: false, reason: "database_unreachable" };
  } finally {
    clearTimeout(timer);
  }
}
