// GET /projets: the resync traversal, for services that were down or join late (CONTRACT §1, §8).
//
// Order and completeness. Each project row carries `txid`, the id of the transaction that wrote its
// current version (store-projects.ts). Transaction ids only grow for transactions that start writing
// later, but they commit in any order, so a page may only pass positions that no transaction can
// still commit to: it returns rows whose txid is below the horizon, the oldest transaction of the
// statement's snapshot still running in this database (every transaction of this database with a
// smaller id has committed or rolled back; every one still able to commit, or yet to start, has an id
// at or above it; transactions of other databases of the server are not waited for, `horizon`). Pages walk (txid, id) in index order from the
// cursor, so a page costs the same at any depth (issue #17, "resync depth"). Hence, within one
// traversal: every change committed before the traversal ends is returned after it (its position is
// above every position passed before it committed), and a version is returned at most once (one
// version, one position, and the cursor only moves forward). Visible rows at or above the horizon
// keep `nextCursor` non-null: only a traversal with nothing visible left ends with null.
//
// `updatedSince=T`. A row carries the time of the statement that wrote it, and its transaction may
// commit after T. So the traversal starts from the latest resync mark at or before T (mark-resync.ts)
// and returns the rows that mark's snapshot does not see: every transaction that commits after T,
// and possibly some that committed between the mark and T (at least once, never a change missed).
// Each first page records a mark, so that a client resuming from the time of its previous traversal
// gets little more than what changed since.
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { executeBytes } from "@/db/execute-bytes";
import { preparedSql } from "@/db/prepared-sql";
import { AppError } from "@/modules/errors/app-error";
import type { Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { insertResyncMark } from "./mark-resync";
import { pageLinks, projetJson, readerViewParameter } from "./render-projet-json";

export type ListQuery = { updatedSince?: string; cursor?: string; limit: number };

/** How the page statement renders its rows: the reader, and `readerViewParameter`'s JSON for it. */
export type PageRender = { readerServiceId: string | null; view: string };

/** A point of the traversal: rows strictly after (txid, id) come next. */
export type Position = { txid: string; id: string };

const FIRST_ID = "00000000-0000-0000-0000-000000000000";
const LAST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

// The cursor carries the position and the time of the traversal's mark (so that the next pages keep
// its filter without the client repeating `updatedSince`; the snapshot itself, whose size grows with
// the transactions running, stays in the database). Version 3; cursors of the former formats are
// refused: they cannot be placed in this order, or lack the mark.
const cursorPattern = /^3\|(-1|\d{1,19})\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)?$/;
const MAX_BIGINT = 2n ** 63n - 1n;

const invalidCursor = () =>
  AppError.validation([
    {
      path: "cursor",
      message: "curseur invalide ou d'un format antérieur : reprenez la valeur nextCursor d'une page, ou recommencez le parcours avec updatedSince",
    },
  ]);

/** A mark: its time (as the cursor carries it, microseconds, UTC) and its snapshot (pg_snapshot text). */
type Mark = { at: string; snapshot: string };

function decodeCursor(cursor: string): { position: Position; markAt: string | null } {
  const match = cursorPattern.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  // A forged cursor is a 400 like any malformed one, never a failed cast (500) in the database.
  if (!match || BigInt(match[1]!) > MAX_BIGINT) throw invalidCursor();
  const markAt = match[3] ?? null;
  if (markAt && Number.isNaN(new Date(markAt).getTime())) throw invalidCursor();
  return { position: { txid: match[1]!, id: match[2]! }, markAt };
}

const encodeCursor = (position: Position, mark: Mark | null) =>
  Buffer.from(`3|${position.txid}|${position.id}|${mark?.at ?? ""}`, "utf8").toString("base64url");

const markColumns = sql`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, snapshot`;

/**
 * Records a mark (this first page's time) and returns the latest mark at or before `since`, or null
 * when `since` is older than every mark (the traversal then starts from the beginning).
 */
async function markFor(db: Db, since: Date | null): Promise<Mark | null> {
  const rows = rowsOf<Mark>(
    await db.execute(sql`
      with marked as (${insertResyncMark} returning 1)
      select ${markColumns} from resync_marks, (select count(*) from marked) as m
      where at <= ${since?.toISOString() ?? null}::timestamptz
      order by at desc limit 1`),
  );
  return since ? (rows[0] ?? null) : null;
}

/**
 * The mark a cursor names, or, if it was pruned meanwhile (past retention), the latest one before it;
 * null when none is left (the rest of the traversal then returns more, never less).
 */
async function markAt(db: Db, at: string): Promise<Mark | null> {
  const [row] = rowsOf<Mark>(
    await db.execute(sql`select ${markColumns} from resync_marks where at <= ${at}::timestamptz order by at desc limit 1`),
  );
  return row ?? null;
}

/**
 * The snapshot's horizon: every transaction id below it has finished, or belongs to a transaction of
 * another database of the server, which can never write this database's projects.
 *
 * Transaction ids and snapshots are server-wide: `pg_snapshot_xmin(pg_current_snapshot())` is the
 * oldest transaction still running in ANY database of the server. Used as the horizon, it stopped
 * every traversal of this database for as long as a client of another database kept a transaction
 * open (convergence seed 20261129, 2026-11-30: a benchmark's hub on the same server held one for three
 * minutes; 5000 empty pages with a cursor, and the service that erased a person never learned its
 * erasure's new versions, which it gets only by a resync). So the horizon is the oldest running id of
 * the snapshot (`pg_snapshot_xip`) that is not known to run in another database, or the snapshot's
 * xmax when none is left (ids at or above it may still be running: they stay above the horizon).
 * `pg_current_snapshot()` is the statement's snapshot, the one that reads the page.
 * "Known" is read in `pg_stat_get_activity` after the snapshot was taken: an id of the snapshot that
 * is no longer listed there (ended meanwhile, a prepared transaction) or whose id is hidden from this
 * role still holds the horizon, as before: only ever a later horizon for an id that cannot write here.
 * Backend ids are 32-bit `xid`s, snapshot ids 64-bit `xid8`s of the same era: compared modulo 2^32.
 */
const horizon = sql`coalesce(
  (select min(xip::text::bigint) from pg_snapshot_xip(pg_current_snapshot()) as xip
   where xip::text::bigint % 4294967296 <> all (array(
     select a.backend_xid::text::bigint from pg_stat_get_activity(null) a
     where a.backend_xid is not null and a.datid <> (select datid from pg_stat_get_activity(pg_backend_pid()))))),
  pg_snapshot_xmax(pg_current_snapshot())::text::bigint)`;

/** Where a traversal starts: before the oldest transaction its mark does not see, else the beginning. */
function startOf(mark: Mark | null): Position {
  if (!mark) return { txid: "-1", id: FIRST_ID };
  return { txid: String(BigInt(mark.snapshot.slice(0, mark.snapshot.indexOf(":"))) - 1n), id: LAST_ID };
}

/** What the page statement returns, in one row (`pageStatement`), every column as text. */
export type PageRow = {
  /** With `render`: the JSON texts of the page's projects joined by ',' in (txid, id) order ('' when none); else null. */
  items: string | null;
  /**
   * Where the next page starts (the page's last row, or the position for an empty page), null when no
   * visible row lies after it, below the horizon or at or above it (the traversal ends).
   */
  next_txid: string | null;
  next_id: string | null;
};

/**
 * The page query, one row (`PageRow`): up to `limit` rows after `position` below the horizon, in index
 * order, that the traversal's `mark` (a pg_snapshot as text, or null) does not see, and where the next
 * page starts if such a visible row lies after them, below the horizon or at or above it. Both parts
 * are ranges of `projects_resync_idx` that start at their lower bound: the page from `position` up to
 * the horizon, the probe from the page's last row, or, when the page took every row below the horizon,
 * from the later of that row (or `position`) and the horizon, so a page reads about `limit` index
 * entries at any depth (issue #17, "resync depth"). The probe once said `(txid, id) > position and
 * txid >= horizon`: two lower bounds on `txid` that the planner could not merge, so it walked the index
 * from the position, or scanned the table (100,000 rows read per page at the start of a 100k traversal).
 * With `render`, the row also carries `items`, the JSON text of the page's projects as the reader sees
 * them (render-projet-json.ts), already joined: one row of 400 KB costs the hub one string, where 500
 * rows cost it 500 parsed rows, their objects and a join (issue #17).
 * Exported for the plan check of its test and the plan script (scripts/bench/resync-plan.ts).
 */
export function pageStatement(position: Position, mark: string | null, userHash: string | null, limit: number, render?: PageRender): SQL {
  const shape = (mark ? 1 : 0) + (userHash ? 2 : 0) + (render ? 4 : 0);
  let statement = pageStatements.get(shape);
  if (!statement) {
    statement = preparedSql<PageValue>((p) => buildPageStatement(p, Boolean(mark), Boolean(userHash), Boolean(render)));
    pageStatements.set(shape, statement);
  }
  return statement({
    txid: position.txid,
    id: position.id,
    limit,
    mark,
    userHash,
    reader: render?.readerServiceId ?? null,
    view: render?.view ?? null,
  });
}

type PageValue = "txid" | "id" | "limit" | "mark" | "userHash" | "reader" | "view";

// The page statement's text, built once per process for each of its shapes (with a mark or not, an
// acting user or not, rendered or not): drizzle walked its tree of ~1,000 chunks at every page.
const pageStatements = new Map<number, (values: Record<PageValue, unknown>) => SQL>();

function buildPageStatement(p: Record<PageValue, Placeholder<PageValue>>, withMark: boolean, withUser: boolean, withRender: boolean): SQL {
  const filters: SQL[] = [];
  if (withMark) filters.push(sql`and not pg_visible_in_snapshot(p.txid::text::xid8, ${p.mark}::pg_snapshot)`);
  if (withUser) {
    // An acting user sees only the projects on which they hold a permission (or are porteur).
    filters.push(sql`and (p.porteur_email_hash = ${p.userHash}
      or exists (select 1 from project_permissions pp where pp.project_id = p.id and pp.email_hash = ${p.userHash}))`);
  }
  // The position and the limit are read through scalar subqueries (evaluated once, before the walk):
  // the planner cannot look at their values, so a plan made for some values is the plan for any, and
  // PostgreSQL keeps one generic plan for the prepared statement after its first five runs. With the
  // values in sight it planned every page again (~1.3 ms of a page's bind on 500 projects, issue #17),
  // its estimates for a position differing from the generic plan's; the plan was the same walk.
  const from = sql`((select ${p.txid}::bigint), (select ${p.id}::uuid))`;
  // With `render`, each row of the page carries its project's JSON text (render-projet-json.ts), read
  // by the statement's own snapshot: no second query, and nothing changed between the two. The links
  // of the whole page are read and aggregated at once (`pageLinks`), then joined to its rows, which a
  // sort puts back in index order.
  const walk = sql`select p.* from projects p
    where (p.txid, p.id) > ${from} and p.txid < (select h from horizon) ${sql.join(filters, sql` `)}
    order by p.txid, p.id
    limit (select ${p.limit}::int)`;
  const view = sql`(select v from reader_view)`;
  const ctes = withRender
    ? sql`reader_view as materialized (select ${p.view}::jsonb as v), horizon as materialized (select ${horizon} as h),
      walk as materialized (${walk}),
      page as (select p.txid, p.id, ${projetJson(p.reader, view)} as item
        from walk p left join (${pageLinks(p.reader, view, sql`select id from walk`)}) as lk on lk.project_id = p.id
        order by p.txid, p.id)`
    : sql`horizon as materialized (select ${horizon} as h), page as (${walk})`;
  // The aggregates read the page's rows in index order: a subquery with ORDER BY (and LIMIT) is never
  // merged into the query above it, and a plain aggregate takes its input in the order it comes (as
  // `pageLinks` does). An ORDER BY in the aggregates would sort the 400 KB again on
  // PostgreSQL 15; a common table expression would copy it first. The last row is the last of the array
  // (the next page starts after it).
  const items = withRender ? sql`coalesce(string_agg(item, ','), '')` : sql`null::text`;
  // Where the probe starts: after the page's last row (or `position` for an empty page), or, when the
  // page took fewer than `limit` rows (none is left below the horizon after it), at the horizon:
  // (h - 1, LAST_ID) is the last position below the horizon h, rows after it are those with txid >= h.
  const toHorizon = sql`g.taken < ${p.limit} and (g.next_txid, g.next_id) < (h.h - 1, ${LAST_ID}::uuid)`;
  return sql`
    with ${ctes}
    select a.items, case when m.more then a.next_txid::text end as next_txid, case when m.more then a.next_id::text end as next_id
    from (select g.*,
        case when ${toHorizon} then h.h - 1 else g.next_txid end as probe_txid,
        case when ${toHorizon} then ${LAST_ID}::uuid else g.next_id end as probe_id
      from horizon h, (select ${items} as items, count(*) as taken,
          coalesce(max(txid), ${p.txid}::bigint) as next_txid, coalesce((array_agg(id))[count(*)], ${p.id}::uuid) as next_id
        from page) as g) as a
    -- A first row in index order rather than EXISTS (which drops ORDER BY and LIMIT): the order makes
    -- the planner walk the index from the bound instead of scanning the table for any match.
    left join lateral (select true as more from projects p
      where (p.txid, p.id) > (a.probe_txid, a.probe_id) ${sql.join(filters, sql` `)}
      order by p.txid, p.id
      limit 1) as m on true`;
}

const itemsOpen = Buffer.from('{"items":[', "utf8");

/**
 * One page of the resync traversal, as the UTF-8 bytes of the JSON text of `{items: Projet[],
 * nextCursor}`, in parts to send in order: the bytes `JSON.stringify` gives for the projects rendered
 * by `renderProjet` (the page statement renders them, render-projet-json.ts). The items are the
 * driver's own buffer: joined into one, or given to the response as a whole, the 400 KB were copied
 * once or twice more per page, and V8 collected its old generation twice as often (issue #17).
 * @param query `updatedSince` (ISO date: projects changed by a transaction that committed after it,
 *   and possibly a few shortly before it), `cursor` (the `nextCursor` of the previous page, which
 *   carries the traversal's mark), `limit` (1..500).
 * @returns the projects as the caller sees them, in (transaction, id) order, and the cursor of the
 *   next page: null only when nothing visible is left. A page may be empty with a non-null cursor
 *   while a transaction that started earlier is still running (come back a moment later).
 * @throws AppError `validation_failed` for a cursor that is not one of ours (or of the former format).
 */
export async function listProjetsJson(db: Db, caller: Caller, query: ListQuery): Promise<Uint8Array[]> {
  let position: Position;
  let mark: Mark | null;
  if (query.cursor) {
    const decoded = decodeCursor(query.cursor);
    position = decoded.position;
    mark = decoded.markAt ? await markAt(db, decoded.markAt) : null;
  } else {
    mark = await markFor(db, query.updatedSince ? new Date(query.updatedSince) : null);
    position = startOf(mark);
  }

  const catalog = await loadStatusCatalog(db, caller);
  const render = { readerServiceId: caller.serviceId, view: readerViewParameter(catalog, caller.serviceId) };
  // The items stay the bytes PostgreSQL sent: the hub never decodes nor encodes them (execute-bytes.ts).
  const [row] = await executeBytes(db, pageStatement(position, mark?.snapshot ?? null, caller.userHash, query.limit, render));
  const [items, nextTxid, nextId] = row!;
  // One snapshot read the positions and the projects: each item is the version at its position.
  const nextCursor = nextTxid && nextId ? encodeCursor({ txid: nextTxid.toString("utf8"), id: nextId.toString("utf8") }, mark) : null;
  return [itemsOpen, items!, Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`, "utf8")];
}
