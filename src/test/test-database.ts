// A clean, migrated database per test file: PostgreSQL when TEST_DATABASE_URL is set (a fresh
// database created for the file and dropped after it), else an in-memory PGlite (in this thread,
// or in a worker thread as the server runs it with TEST_PGLITE_THREAD=1).
import { randomBytes } from "node:crypto";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { migratePostgres } from "@/db/migrate";

export type TestDatabase = DatabaseHandle & { url: string | null; destroy: () => Promise<void> };

// Tests read the PostgreSQL URL of the test server, not a setting of the hub: this is the only
// place outside src/env.ts that looks at the environment, and it is test-only.
const adminUrl = process.env.TEST_DATABASE_URL || null;

export const onPostgres = Boolean(adminUrl);

/** TEST_PGLITE_THREAD=1: the in-memory PGlite runs in a worker thread, as the server runs it. */
const pgliteThread = Boolean(process.env.TEST_PGLITE_THREAD);

/**
 * For tests only PostgreSQL can run (several connections or processes, server behaviour): true when
 * they must be skipped, saying so on stderr with the reason, so that a PGlite-only run never passes
 * them over silently. `npm test` runs the integration suite on PostgreSQL too and fails in CI when
 * PostgreSQL cannot be reached (scripts/test-all.mjs).
 */
export function skipWithoutPostgres(what: string): boolean {
  if (onPostgres) return false;
  process.stderr.write(`[ignoré sans PostgreSQL] ${what} — définissez TEST_DATABASE_URL pour l'exécuter\n`);
  return true;
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (!adminUrl) {
    const handle = await openDatabase({ dataDir: "memory://", migrate: true, thread: pgliteThread });
    return { ...handle, url: null, destroy: handle.close };
  }
  const { default: postgres } = await import("postgres");
  const name = `lc_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migratePostgres(url.toString());
  const handle = await openDatabase({ url: url.toString(), poolSize: options.poolSize ?? 10 });
  return {
    ...handle,
    url: url.toString(),
    destroy: async () => {
      await handle.close();
      const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists "${name}" with (force)`);
      await drop.end();
    },
  };
}
