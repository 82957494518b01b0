// Statements on the request path whose SQL text is built once per process (issue #17). drizzle
// builds a statement's text by walking its tree of SQL chunks at every execution; for the write
// statement of a creation (eight common table expressions) and the key check, that walk was ~8 %
// of the hub's thread under ingest (docs/BENCHMARKS.md, "Ingest: JavaScript per request"). Here a
// statement is written once with named placeholders (`sql.placeholder`), turned into text once,
// and each execution only fills the values in. `db.execute` and `tx.execute` take the result like
// any drizzle SQL, on PostgreSQL and PGlite alike.
import { is, Placeholder, SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

const dialect = new PgDialect();

/** A statement's text and its parameters, placeholders still in place. */
export type BuiltStatement = { sql: string; params: unknown[] };

/** A drizzle SQL whose query is already built: `execute` sends it as it is. */
class BuiltSql extends SQL {
  constructor(private readonly built: BuiltStatement) {
    super([]);
  }

  override toQuery(): BuiltStatement {
    return this.built;
  }
}

/** Turns `statement` into its text and parameters (placeholders kept as such). */
export function buildStatement(statement: SQL): BuiltStatement {
  const { sql, params } = dialect.sqlToQuery(statement);
  return { sql, params };
}

/**
 * The SQL to execute: `built` with each placeholder replaced by its value in `values`.
 * @throws Error when a placeholder has no value (undefined): a programming error, never a request's.
 */
export function withValues(built: BuiltStatement, values: Record<string, unknown>): SQL {
  const params = built.params.map((p) => {
    if (!is(p, Placeholder)) return p;
    const value = values[p.name];
    if (value === undefined) throw new Error(`prepared statement: no value for ${p.name}`);
    return value;
  });
  return new BuiltSql({ sql: built.sql, params });
}

/**
 * A statement built once, on its first use, by `build` (which receives the placeholders by name,
 * `p.serviceId`…); returns the function that gives the SQL to execute for given values.
 */
export function preparedSql<K extends string>(build: (p: Record<K, Placeholder<K>>) => SQL): (values: Record<K, unknown>) => SQL {
  let built: BuiltStatement | null = null;
  const placeholders = new Proxy({} as Record<K, Placeholder<K>>, { get: (_, name) => new Placeholder(String(name) as K) });
  return (values) => withValues((built ??= buildStatement(build(placeholders))), values);
}

/**
 * `statement` with `prefix` before its text (an `explain (…) `), its parameters unchanged: a built
 * statement cannot be embedded in another `sql` template, whose text would lack it.
 */
export function prefixedSql(prefix: string, statement: SQL): SQL {
  const { sql, params } = buildStatement(statement);
  return new BuiltSql({ sql: `${prefix}${sql}`, params });
}
