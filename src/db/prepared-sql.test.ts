import { describe, expect, it } from "vitest";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { combineWrites, writeClockPart, type StatementPart } from "./combine-writes";
import { preparedSql } from "./prepared-sql";

const dialect = new PgDialect();
const query = (statement: SQL) => dialect.sqlToQuery(statement);

describe("preparedSql", () => {
  const byService = preparedSql<"service" | "ids">(
    (p) => sql`select * from project_links where service_id = ${p.service}::uuid and external_id = any(array(select jsonb_array_elements_text(${p.ids}::jsonb))) and ${"fixed"} <> ${p.service}`,
  );

  it("gives the text and parameters drizzle builds from the same statement with the values in it", () => {
    const service = "4b1f4a9e-7c55-4f55-9a39-3b0c1bfbd6a1";
    const ids = JSON.stringify(["a", "b"]);
    const direct = sql`select * from project_links where service_id = ${service}::uuid and external_id = any(array(select jsonb_array_elements_text(${ids}::jsonb))) and ${"fixed"} <> ${service}`;
    expect(query(byService({ service, ids }))).toEqual({ sql: query(direct).sql, params: query(direct).params });
  });

  it("fills each execution's own values into the one text", () => {
    const a = query(byService({ service: "s1", ids: "[]" }));
    const b = query(byService({ service: "s2", ids: '["x"]' }));
    expect(a.sql).toBe(b.sql);
    expect(a.params).toEqual(["s1", "[]", "fixed", "s1"]);
    expect(b.params).toEqual(["s2", '["x"]', "fixed", "s2"]);
  });

  it("refuses a missing value rather than sending undefined", () => {
    expect(() => byService({ service: "s1" } as never)).toThrow(/no value for ids/);
  });
});

describe("combineWrites", () => {
  const staticPart: StatementPart = {
    name: "inserted",
    statement: sql`insert into t (a, b) select a, ${sql.placeholder("inserted.b")} from jsonb_to_recordset(${sql.placeholder("inserted.rows")}::jsonb) as v(a int)`,
    values: {},
  };
  const final = sql`select count(*) from inserted`;
  const withValues = (rows: string, b: string): StatementPart => ({ ...staticPart, values: { "inserted.rows": rows, "inserted.b": b } });
  const dynamic = (rows: string, b: string): StatementPart => ({
    name: "inserted",
    statement: sql`insert into t (a, b) select a, ${b} from jsonb_to_recordset(${rows}::jsonb) as v(a int)`,
  });

  it("builds static parts into the same statement as the same parts written with their values", () => {
    const built = query(combineWrites([writeClockPart, withValues("[1]", "x")], final, {}));
    const direct = query(combineWrites([writeClockPart, dynamic("[1]", "x")], final));
    expect(built).toEqual({ sql: direct.sql, params: direct.params });
    expect(built.params).toEqual(["x", "[1]"]);
  });

  it("keeps one text for every execution of a static combination, each with its values", () => {
    const first = query(combineWrites([writeClockPart, withValues("[1]", "x")], final, {}));
    const second = query(combineWrites([writeClockPart, withValues("[2,3]", "y"), writeClockPart], final, {}));
    expect(second.sql).toBe(first.sql);
    expect(second.params).toEqual(["y", "[2,3]"]);
  });

  it("mixes a static part with one built at each call", () => {
    const mixed = query(combineWrites([withValues("[1]", "x"), { name: "other", statement: sql`select ${42}` }]));
    expect(mixed.sql).toContain("inserted as (insert into t");
    expect(mixed.sql).toContain("other as (select $3)");
    expect(mixed.params).toEqual(["x", "[1]", 42]);
  });
});
