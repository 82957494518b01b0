// Space given back after a retention purge on the embedded database (issue #17). PGlite has no
// autovacuum: rows a purge deletes (or a body it clears, a new row version) leave dead versions that
// nothing else makes reusable, so the embedded database grew as if nothing were ever purged.
// PostgreSQL's autovacuum does this on its own, at its own pace: the drivers' retention job
// (run-retention-upkeep.ts) asks for it on PGlite only.
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { RetentionSummary } from "./run-retention-purge";

/** The tables each count of a purge's summary removed or rewrote rows of. */
const TABLES_BY_COUNT: Record<keyof RetentionSummary, readonly string[]> = {
  attempts: ["delivery_attempts"],
  bodies: ["events"],
  events: ["events", "delivery_log", "delivery_attempts"],
  audit: ["audit_log"],
  resyncMarks: ["resync_marks"],
  rateWindows: ["api_rate_windows"],
  alertMails: ["alert_mails"],
};

/**
 * Vacuums the tables that `summary` (what `runRetentionPurge` returned) removed or rewrote rows of,
 * one statement per table so that queries waiting for PGlite's one session get in between, skipping
 * a table another session holds a conflicting lock on (SKIP_LOCKED). Outside any transaction: `db`
 * must be the database handle. Returns the tables vacuumed (none when nothing was purged). Cost: a
 * pass over each table's pages that changed since its last vacuum, and over its indexes when dead
 * rows are on more than ~2 % of its pages; the first run on a database never vacuumed covers all
 * its history.
 */
export async function vacuumPurgedTables(db: Db, summary: RetentionSummary): Promise<string[]> {
  const tables = [
    ...new Set(
      (Object.keys(TABLES_BY_COUNT) as (keyof RetentionSummary)[]).filter((count) => summary[count] > 0).flatMap((count) => TABLES_BY_COUNT[count]),
    ),
  ].sort();
  // Names from the constant above only: never from input.
  for (const table of tables) await db.execute(sql.raw(`vacuum (skip_locked) ${table}`));
  return tables;
}
