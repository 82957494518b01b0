// `npm run bench -- --pg-statements`: PostgreSQL's own account of each phase (issue #17, "profile
// first": pg_stat_statements in the bench's databases). The extension needs the server started with
// it preloaded, which the bench cannot do itself (a restart of a server that others may use):
// `enablePgStatements` refuses with the two commands to run when it is not.

/**
 * Creates the extension in the bench's database (`sql`, a postgres.js client of a superuser).
 * Throws an Error naming the commands to run when the server was not started with it preloaded.
 */
export async function enablePgStatements(sql) {
  const [{ setting }] = await sql`select current_setting('shared_preload_libraries') as setting`;
  if (!setting.split(",").map((s) => s.trim()).includes("pg_stat_statements")) {
    throw new Error(
      "--pg-statements: PostgreSQL was not started with pg_stat_statements preloaded. Run\n" +
        "  psql -h 127.0.0.1 -U postgres -c \"alter system set shared_preload_libraries = 'pg_stat_statements'\"\n" +
        "then restart PostgreSQL (pg_ctlcluster --skip-systemctl-redirect <version> main restart), and\n" +
        "`alter system reset shared_preload_libraries` and a restart again afterwards.",
    );
  }
  await sql`create extension if not exists pg_stat_statements`;
}

/** Forgets every statement counted so far (the whole server's: run it on a quiet server). */
export async function resetPgStatements(sql) {
  await sql`select pg_stat_statements_reset()`;
}

/**
 * The `limit` statements that took the most execution time since the last reset, in the databases
 * whose name starts with `databasePrefix` (the bench's own: `lc_bench_<pid>`, `…_f30`, `…_f3`).
 * Returns [{calls, total_ms, mean_ms, rows, blocks, query}] (query: the first 160 characters of the
 * normalised text, whitespace collapsed).
 */
export async function topPgStatements(sql, databasePrefix, limit = 8) {
  const rows = await sql`
    select s.calls::bigint as calls, s.total_exec_time as total_ms, s.mean_exec_time as mean_ms, s.rows::bigint as rows,
           (s.shared_blks_hit + s.shared_blks_read)::bigint as blocks,
           left(regexp_replace(s.query, '\\s+', ' ', 'g'), 160) as query
    from pg_stat_statements s join pg_database d on d.oid = s.dbid
    where starts_with(d.datname, ${databasePrefix})
    order by s.total_exec_time desc
    limit ${limit}`;
  return rows.map((r) => ({
    calls: Number(r.calls),
    total_ms: Math.round(r.total_ms * 10) / 10,
    mean_ms: Math.round(r.mean_ms * 1000) / 1000,
    rows: Number(r.rows),
    blocks: Number(r.blocks),
    query: r.query,
  }));
}
