// Resync page plans (run with tsx by run-bench.mjs after the `resync_100k` seed, DATABASE_URL = the
// bench database): `EXPLAIN (ANALYZE, BUFFERS)` of the page statement that GET /api/v1/projets runs
// (`pageStatement`, src/modules/projects/list-projets.ts), without a mark or an acting user, at the
// start of the traversal and `--limit` rows before its end. An index-bounded page reads about
// `--limit` index entries and heap rows at any depth (issue #17, "resync depth").
// The statement is the one GET runs: it renders each project's JSON as MEC sees it (render-projet-json.ts).
// Then runs the page statement alone along a whole traversal (each page from the previous one's last
// row), which isolates the database's share of a traversal from HTTP; `positions` times the same
// traversal without rendering (the index walk alone).
// Last stdout line: JSON {projects, limit, traversal: {pages, ms}, positions: {pages, ms}, depths: {[depth]: {buffers,
// rowsRead, ms, scans: [...]}}}, where `buffers` counts the shared buffers the statement touched (hit
// or read, 8 KiB pages), `rowsRead` the rows produced or discarded by the scans of `projects`, `ms`
// PostgreSQL's execution time, and `scans` names each scan with its index condition.
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/db/client";
import { prefixedSql } from "@/db/prepared-sql";
import { pageStatement, type PageRender, type PageRow, type Position } from "@/modules/projects/list-projets";
import { readerViewParameter } from "@/modules/projects/render-projet-json";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"];
  }),
);
const LIMIT = Number(args.limit ?? 500);
const START: Position = { txid: "-1", id: "00000000-0000-0000-0000-000000000000" };

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
};

/** Every scan of `projects` in a plan tree, with the rows it produced and discarded. */
function projectScans(node: PlanNode, found: PlanNode[] = []): PlanNode[] {
  if (node["Relation Name"] === "projects") found.push(node);
  for (const child of node.Plans ?? []) projectScans(child, found);
  return found;
}

async function main() {
  const handle = await openDatabase({ url: process.env.DATABASE_URL!, poolSize: 1 });
  const db = handle.db;
  try {
    const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from projects`)) as [{ n: number }];
    const [mec] = rowsOf<{ id: string }>(await db.execute(sql`select id from services where slug = 'mec'`));
    const render: PageRender = { readerServiceId: mec!.id, view: readerViewParameter(await loadStatusCatalog(db), mec!.id) };
    const depths: Record<string, unknown> = {};
    for (const depth of [0, Math.max(0, n - LIMIT)]) {
      const position =
        depth === 0
          ? START
          : rowsOf<Position>(await db.execute(sql`select txid::text as txid, id from projects order by txid, id offset ${depth - 1} limit 1`))[0]!;
      // Twice: the first run warms the cache and the plan; the second is reported.
      let out: Record<string, unknown> = {};
      for (let run = 0; run < 2; run++) {
        const [row] = rowsOf<{ "QUERY PLAN": [{ Plan: PlanNode & { "Shared Hit Blocks": number; "Shared Read Blocks": number }; "Execution Time": number }] }>(
          await db.execute(prefixedSql("explain (analyze, buffers, format json) ", pageStatement(position, null, null, LIMIT, render))),
        );
        const plan = row!["QUERY PLAN"][0];
        const scans = projectScans(plan.Plan);
        out = {
          buffers: plan.Plan["Shared Hit Blocks"] + plan.Plan["Shared Read Blocks"],
          rowsRead: scans.reduce((sum, s) => sum + (s["Actual Rows"] ?? 0) * (s["Actual Loops"] ?? 1) + (s["Rows Removed by Filter"] ?? 0), 0),
          ms: Number(plan["Execution Time"].toFixed(2)),
          scans: scans.map((s) => `${s["Node Type"]}${s["Index Name"] ? ` ${s["Index Name"]}` : ""}${s["Index Cond"] ? ` [${s["Index Cond"]}]` : ""}`),
        };
      }
      depths[String(depth)] = out;
    }
    // The page statements of one traversal, timed at the client (round trip included), milliseconds.
    const traverse = async (withRender: PageRender | undefined) => {
      let position = START;
      let pages = 0;
      const started = performance.now();
      while (pages <= n / LIMIT + 10) {
        const [row] = rowsOf<PageRow>(await db.execute(pageStatement(position, null, null, LIMIT, withRender)));
        pages++;
        if (row!.next_txid === null || row!.next_id === null) break;
        position = { txid: row!.next_txid, id: row!.next_id };
      }
      return { pages, ms: Math.round(performance.now() - started) };
    };
    const traversal = await traverse(render);
    const positions = await traverse(undefined);
    process.stdout.write(`${JSON.stringify({ projects: n, limit: LIMIT, traversal, positions, depths })}\n`);
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
