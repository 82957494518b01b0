// Space given back after a retention purge on the embedded database (issue #17). PGlite has no
// autovacuum: rows a purge deletes (or a body it clears, a new row version) leave dead versions that
// nothing else makes reusable, so the embedded database grew as if nothing were ever purged.
// PostgreSQL's autovacuum does this on its own, at its own pace: the drivers' retention job
// (`runRetentionUpkeep`) asks for it on PGlite only.
import { sql } from "drizzle-orm";
import type { DatabaseHandle, Db } from "@/db/client";
import { runRetentionPurge, type RetentionSettings, type RetentionSummary } from "./run-retention-purge";

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

/**
 * The drivers' retention job (the embedded worker hourly, the Inngest function daily): the purge,
 * then, on the embedded database only, the vacuum of what it purged (PostgreSQL has its
 * autovacuum). Takes the database handle (for its driver) and the retention settings; returns the
 * purge's counts and the tables vacuumed.
 */
export async function runRetentionUpkeep(
  handle: Pick<DatabaseHandle, "db" | "driver">,
  settings: RetentionSettings,
  now?: Date,
): Promise<RetentionSummary & { vacuumed: string[] }> {
  const purged = await runRetentionPurge(handle.db, settings, now);
  const vacuumed = handle.driver === "pglite" ? await vacuumPurgedTables(handle.db, purged) : [];
  return { ...purged, vacuumed };
}
