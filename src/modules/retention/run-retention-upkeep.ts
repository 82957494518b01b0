// The drivers' retention job (issue #17): the purge, then on the embedded database the vacuum of what
// it purged. Called by the embedded worker (hourly) and the Inngest function (daily) alike.
import type { DatabaseHandle } from "@/db/client";
import { runRetentionPurge, type RetentionSettings, type RetentionSummary } from "./run-retention-purge";
import { vacuumPurgedTables } from "./vacuum-purged-tables";

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
