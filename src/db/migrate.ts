// Applies the committed migrations of drizzle/ and reports how many were new.
import { readFileSync } from "node:fs";
import path from "node:path";
import { migrationsFolder, openDatabase, rowsOf, type DatabaseHandle } from "./client";
import { sql } from "drizzle-orm";

/** Arbitrary constant: one migrator at a time across processes on PostgreSQL. */
const MIGRATION_LOCK_KEY = 727_072_024;

async function countApplied(handle: DatabaseHandle): Promise<number> {
  try {
    const result = await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  } catch {
    return 0; // first run: the bookkeeping table does not exist yet
  }
}

export function committedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

export async function migratePostgres(url: string): Promise<{ applied: number }> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // A single connection so that the advisory lock and the migration share one session.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    const handle = { db: drizzle(client) } as unknown as DatabaseHandle;
    const before = await countApplied(handle);
    await migrate(drizzle(client), { migrationsFolder });
    const after = await countApplied(handle);
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    return { applied: after - before };
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Migrates an open PGlite handle (PGlite admits one process, so it is migrated through its owner). */
export async function migratePglite(handle: DatabaseHandle): Promise<{ applied: number }> {
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const before = await countApplied(handle);
  await migrate(handle.db as never, { migrationsFolder });
  return { applied: (await countApplied(handle)) - before };
}

export async function openAndMigratePglite(dataDir: string) {
  const handle = await openDatabase({ dataDir, migrate: false });
  const result = await migratePglite(handle);
  return { handle, ...result };
}
