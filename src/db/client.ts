// One database handle, two drivers: PostgreSQL through `postgres` when a URL is given, otherwise an
// embedded PGlite in a directory (or `memory://`), in this thread or in a worker thread of its own
// (`thread: true`, the server's choice: pglite-thread.ts). The drizzle query builder is identical on all.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { pgliteSettings } from "./pglite-settings";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Module functions take either; those that must be atomic say `Tx`. */
export type DbOrTx = Db | Tx;

export type DatabaseHandle = {
  db: Db;
  driver: "postgres" | "pglite";
  /** LISTEN on a channel; resolves to an unlisten function. */
  listen: (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;
  close: () => Promise<void>;
};

export type DatabaseOptions =
  | { url: string; poolSize?: number; migrate?: boolean; preparedStatements?: boolean }
  | { dataDir: string; migrate?: boolean; thread?: boolean };

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/**
 * Seconds before a pooled connection retries after a connection error. The driver's default grows
 * as 3^n / 100 up to 20 s, shared by the whole pool: during a database restart a few dozen failed
 * attempts pushed it to 10–20 s, and requests queued behind it hung that long even after the
 * database was back (found by the fault suite, scripts/faults). Capped at 1 s: a request fails
 * fast while the database is away (503) and the pool is back within a second of its return.
 */
export function reconnectBackoffSeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1);
}

/** Above this many parameters a statement (a long IN list) is not worth keeping per connection. */
const MAX_PREPARED_PARAMETERS = 100;

type PostgresClient = import("postgres").Sql;

/**
 * drizzle runs every query as `sql.unsafe(text, params, { prepare: false })` unless the query was
 * given a name. Unprepared, postgres.js spends one more round trip describing the parameters of
 * each query, and PostgreSQL plans it again at every call (2–7 ms for the delivery claim on a
 * busy outbox, found with pg_stat_statements and EXPLAIN in the bench). As named statements,
 * postgres.js keeps them per connection (and prepares them again after a reconnection), and
 * PostgreSQL reuses their plans.
 */
function preparingStatements(client: PostgresClient): PostgresClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (text: string, params: unknown[] = [], options: Record<string, unknown> = {}) =>
          target.unsafe(text, params as never[], { ...options, prepare: params.length > 0 && params.length <= MAX_PREPARED_PARAMETERS });
      }
      if (property === "begin") {
        return (...args: unknown[]) => {
          const callback = args.pop() as (tx: PostgresClient) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (tx: PostgresClient) => callback(preparingStatements(tx)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** PGlite in this thread, opened with the embedded database's settings (pglite-settings.ts). */
async function openInProcess(dataDir: string) {
  const { PGlite } = await import("@electric-sql/pglite");
  return PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...pgliteSettings] });
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if ("url" in options) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      // Only a server that accepts TCP and never answers (a black-holed host) waits this long; a
      // restart is refused at once. The 10 s answers once seen during restarts were the driver's
      // (patches/postgres+3.4.9.patch, src/db/lost-connection.int.test.ts), not this timeout.
      connect_timeout: 10,
      backoff: reconnectBackoffSeconds,
    });
    const db = drizzle(options.preparedStatements === false ? client : preparingStatements(client), { schema }) as unknown as Db;
    if (options.migrate) {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    }
    return {
      db,
      driver: "postgres",
      listen: async (channel, onNotify) => {
        const sub = await client.listen(channel, (payload) => onNotify(payload));
        return async () => {
          await sub.unlisten();
        };
      },
      close: () => client.end({ timeout: 5 }),
    };
  }

  const { drizzle } = await import("drizzle-orm/pglite");
  if (!options.dataDir.startsWith("memory://")) mkdirSync(options.dataDir, { recursive: true });
  const client = options.thread
    ? await (await import("./pglite-thread")).startPgliteThread(options.dataDir)
    : await openInProcess(options.dataDir);
  // `{ client }`: drizzle takes a bare object that is not a PGlite instance for its settings.
  const pgliteDb = drizzle({ client: client as import("@electric-sql/pglite").PGlite, schema });
  if (options.migrate !== false) {
    // The embedded database is always migrated at start: there is no separate deploy step for it.
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(pgliteDb, { migrationsFolder });
  }
  return {
    db: pgliteDb as unknown as Db,
    driver: "pglite",
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, (payload) => onNotify(payload));
      return async () => {
        await unlisten();
      };
    },
    close: () => client.close(),
  };
}

/** `db.execute` returns an array on postgres-js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
