// Several writes of one change as a single statement: each part is a common table expression (a
// bare INSERT or UPDATE, or a SELECT the later parts read), executed exactly once, and foreign keys
// between the rows they write are checked at the end of the statement. One round trip instead of
// one per write, on the path of every API write.
import { sql, type SQL } from "drizzle-orm";

export type StatementPart = { name: string; statement: SQL; materialized?: boolean };

export function combineWrites(parts: StatementPart[], final: SQL = sql`select 1`): SQL {
  if (parts.length === 0) return final;
  const ctes = parts.map((p) => sql`${sql.raw(p.name)} as ${p.materialized ? sql`materialized ` : sql``}(${p.statement})`);
  return sql`with ${sql.join(ctes, sql`, `)} ${final}`;
}
