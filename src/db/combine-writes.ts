// Several writes of one change as a single statement: each part is a common table expression (a
// bare INSERT or UPDATE, or a SELECT the later parts read), executed exactly once, and foreign keys
// between the rows they write are checked at the end of the statement. One round trip instead of
// one per write, on the path of every API write.
import { sql, type SQL } from "drizzle-orm";
import { buildStatement, withValues, type BuiltStatement } from "./prepared-sql";

export type StatementPart = {
  name: string;
  statement: SQL;
  materialized?: boolean;
  /**
   * The values of the statement's placeholders (`sql.placeholder`, named `<part>.<value>` so that
   * names never clash across parts). A part that has them is static: its statement is a module
   * constant, and a statement made only of static parts has its text built once (issue #17,
   * prepared-sql.ts). A part without them is built at each execution, as before.
   */
  values?: Record<string, unknown>;
};

const selectOne = sql`select 1`;

/** Texts of the combinations of static parts met so far, by their parts' identities. */
const combinedTexts = new Map<string, BuiltStatement>();
/** Far above the combinations the write paths make (a few dozen); past it, texts are built each time. */
const MAX_COMBINED_TEXTS = 512;
const statementIds = new WeakMap<SQL, number>();
let nextStatementId = 0;
function statementId(statement: SQL): number {
  let id = statementIds.get(statement);
  if (id === undefined) statementIds.set(statement, (id = nextStatementId++));
  return id;
}

/**
 * The parts as one statement ending with `final`. Parts that share a name are the same part (e.g.
 * `writeClockPart`, added by every writer that needs it): only the first is kept. `finalValues`:
 * the values of `final`'s placeholders, given when `final` is static (a module constant) like the
 * parts; when every part and `final` are static, the statement's text is built once per process.
 */
export function combineWrites(parts: StatementPart[], final: SQL = selectOne, finalValues?: Record<string, unknown>): SQL {
  if (parts.length === 0 && finalValues === undefined) return final;
  const seen = new Set<string>();
  const unique = parts.filter((p) => !seen.has(p.name) && seen.add(p.name));
  const values: Record<string, unknown> = Object.assign({}, ...unique.map((p) => p.values), finalValues);
  const assemble = () => {
    if (unique.length === 0) return final;
    const ctes = unique.map((p) => sql`${sql.raw(p.name)} as ${p.materialized ? sql`materialized ` : sql``}(${p.statement})`);
    return sql`with ${sql.join(ctes, sql`, `)} ${final}`;
  };
  if (!unique.every((p) => p.values !== undefined) || (finalValues === undefined && final !== selectOne)) {
    return withValues(buildStatement(assemble()), values);
  }
  const key = `${unique.map((p) => `${p.name}:${statementId(p.statement)}${p.materialized ? "m" : ""}`).join(",")};${statementId(final)}`;
  let built = combinedTexts.get(key);
  if (!built) {
    built = buildStatement(assemble());
    if (combinedTexts.size < MAX_COMBINED_TEXTS) combinedTexts.set(key, built);
  }
  return withValues(built, values);
}

/**
 * The write clock: the database's time, read once in the write statement (after the row locks the
 * transaction took before it), to the millisecond that JSON dates carry. Project rows store it as
 * `updated_at` and the outbox puts the same value in the webhook bodies (CONTRACT §8: `updatedAt`
 * is the database's commit-side time, never an application clock taken before the transaction).
 */
export const writeClockPart: StatementPart = {
  name: "write_clock",
  materialized: true,
  statement: sql`select date_trunc('milliseconds', clock_timestamp()) as at`,
  values: {},
};

/** The write clock's value, for a part of a statement that includes `writeClockPart`. */
export const writeClockValue = sql`(select at from write_clock)`;

/**
 * The writing transaction's id (xid8, as bigint): the resync position of a project row. Ids only grow
 * for transactions that start writing later, and every id below a snapshot's xmin belongs to a
 * finished transaction (see list-projets.ts).
 */
export const writeTxid = sql`pg_current_xact_id()::text::bigint`;

/**
 * Stands for the write clock in rows and bodies rendered in JS before the write statement: a body
 * whose `"createdAt"`/`"updatedAt"` hold this instant gets the write clock instead, in SQL
 * (`withWriteClock`). Year 1 is never a real time of the hub.
 */
export const WRITE_CLOCK = new Date("0001-01-01T00:00:00.000Z");
const placeholder = WRITE_CLOCK.toISOString();

/**
 * SQL text of `body` (a JSON text) with the write clock in place of `WRITE_CLOCK` in its
 * `"createdAt"` and `"updatedAt"` members. The key is part of the match: a JSON string value
 * cannot contain an unescaped `"`, so no user text can be taken for it.
 */
export function withWriteClock(body: SQL): SQL {
  const clock = sql`'"' || to_char(${writeClockValue} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`;
  return sql`replace(replace(${body}, ${`"updatedAt":"${placeholder}"`}, '"updatedAt":' || ${clock}), ${`"createdAt":"${placeholder}"`}, '"createdAt":' || ${clock})`;
}
