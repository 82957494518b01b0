// A statement's result as the bytes PostgreSQL sent, for results the hub only passes on (issue #17:
// a resync page is one 400 KB column of JSON text). postgres.js otherwise decodes every text column
// into a string (1.6 ms for a page of 500 projects, its `é`s taking V8's slow path), and the
// response encodes it back to UTF-8 (0.9 ms); its raw mode hands the columns over as they arrived.
import type { SQL } from "drizzle-orm";
import { rowsOf, type Db } from "./client";
import { buildStatement } from "./prepared-sql";

type RawClient = { unsafe: (text: string, params: unknown[], options?: { prepare?: boolean }) => { raw: () => Promise<(Buffer | null)[][]> } };

/**
 * Runs `statement` and returns its rows, each as its columns in order: the column's text (PostgreSQL's
 * output of its type, UTF-8) as bytes, or null for SQL null.
 * On PostgreSQL the bytes are the driver's buffer, never decoded; the statement is prepared as
 * `db.execute` would (client.ts decides). On PGlite they are encoded from the values it returns, so a
 * statement should give text columns (`::text`) for the same bytes on both.
 * @throws the database's error, as `db.execute`.
 */
export async function executeBytes(db: Db, statement: SQL): Promise<(Buffer | null)[][]> {
  const client = (db as { $client?: Partial<RawClient> }).$client;
  if (typeof client?.unsafe === "function") {
    const { sql, params } = buildStatement(statement);
    // `prepare: false` as drizzle sends it; client.ts's proxy decides, as for every statement.
    return await (client as RawClient).unsafe(sql, params, { prepare: false }).raw();
  }
  return rowsOf<Record<string, unknown>>(await db.execute(statement)).map((row) =>
    Object.values(row).map((value) => (value === null || value === undefined ? null : Buffer.from(String(value), "utf8"))),
  );
}
