// The process-wide database handle, created lazily once (kept on globalThis so that every module
// instance of a Next.js server process shares one PGlite, which admits a single process).
import path from "node:path";
import { env } from "@/env";
import { openDatabase, type DatabaseHandle } from "./client";

const globalKey = Symbol.for("les-communs.database");
type Holder = { [globalKey]?: Promise<DatabaseHandle> };

export function pgliteDirectory(): string {
  return path.resolve(env.DATA_DIR, "pglite");
}

export function getDatabase(): Promise<DatabaseHandle> {
  const holder = globalThis as Holder;
  if (!holder[globalKey]) {
    holder[globalKey] = (
      env.DATABASE_URL
        ? openDatabase({ url: env.DATABASE_URL, migrate: false, preparedStatements: env.DATABASE_PREPARED_STATEMENTS })
        : // The server's PGlite runs in a worker thread of its own: in this thread it kept HTTP and
          // route code waiting (issue #17, src/db/pglite-thread.ts).
          openDatabase({ dataDir: pgliteDirectory(), migrate: true, thread: true })
    ).catch((error) => {
      holder[globalKey] = undefined;
      throw error;
    });
  }
  return holder[globalKey]!;
}

export async function getDb() {
  return (await getDatabase()).db;
}

/**
 * Makes this process use an already open database (tests of route handlers and procedures, which
 * run them in-process against a `createTestDatabase()` handle).
 */
export function useDatabase(handle: DatabaseHandle): void {
  (globalThis as Holder)[globalKey] = Promise.resolve(handle);
}
