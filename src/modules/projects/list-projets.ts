// GET /projets: the resync traversal, for services that were down or join late (CONTRACT §1, §8).
//
// Order and completeness. Each project row carries `txid`, the id of the transaction that wrote its
// current version (store-projects.ts). Transaction ids only grow for transactions that start writing
// later, but they commit in any order, so a page may only pass positions that no transaction can
// still commit to: it returns rows whose txid is below the horizon, the xmin of the statement's
// snapshot (every transaction with a smaller id has committed or rolled back; every one still able to
// commit, or yet to start, has an id at or above it). Pages walk (txid, id) in index order from the
// cursor, so a page costs the same at any depth (issue #17, "resync depth"). Hence, within one
// traversal: every change committed before the traversal ends is returned after it (its position is
// above every position passed before it committed), and a version is returned at most once (one
// version, one position, and the cursor only moves forward). Visible rows at or above the horizon
// keep `nextCursor` non-null: only a traversal with nothing visible left ends with null.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { AppError } from "@/modules/errors/app-error";
import { isSaneInstant } from "@/modules/validation/input-rules";
import type { Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { renderProjet } from "./project-state";
import type { Projet } from "./projet-schemas";
import { loadProjects } from "./store-projects";

export type ListQuery = { updatedSince?: string; cursor?: string; limit: number };

/** A point of the traversal: rows strictly after (txid, id) come next. */
export type Position = { txid: string; id: string };

const FIRST_ID = "00000000-0000-0000-0000-000000000000";
const LAST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

// The cursor carries the position and the traversal's `updatedSince` (so that the next pages keep
// its filter without the client repeating it). Version 2; cursors of the former (updated_at, id)
// order are refused: they cannot be placed in the new order.
const cursorPattern = /^2\|(-1|\d{1,19})\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\|(-?\d{0,15})$/;
const MAX_BIGINT = 2n ** 63n - 1n;

function decodeCursor(cursor: string): { position: Position; since: Date | null } {
  const match = cursorPattern.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  // A forged cursor is a 400 like any malformed one, never a failed cast (500) in the database.
  const since = match?.[3] && match[3] !== "-" ? new Date(Number(match[3])) : null;
  if (!match || BigInt(match[1]!) > MAX_BIGINT || (since && !isSaneInstant(since))) {
    throw AppError.validation([
      {
        path: "cursor",
        message: "curseur invalide ou d'un format antérieur : reprenez la valeur nextCursor d'une page, ou recommencez le parcours avec updatedSince",
      },
    ]);
  }
  return { position: { txid: match[1]!, id: match[2]! }, since };
}

const encodeCursor = (position: Position, since: Date | null) =>
  Buffer.from(`2|${position.txid}|${position.id}|${since ? since.getTime() : ""}`, "utf8").toString("base64url");

/** The snapshot's horizon: every transaction id below it has finished. */
const horizon = sql`pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;

/**
 * Where a traversal with `updatedSince` starts: just before the smallest position among rows updated
 * since then, or before the horizon if lower (a transaction still running may commit such a row).
 */
async function startOf(db: Db, since: Date): Promise<Position> {
  const [row] = rowsOf<{ start: string }>(
    await db.execute(sql`
      select (least(coalesce((select min(txid) from projects where updated_at >= ${since.toISOString()}::timestamptz), h), h) - 1)::text as start
      from (select ${horizon} as h) as x`),
  );
  return { txid: row!.start, id: LAST_ID };
}

/**
 * The page query: up to `limit` rows after `position` below the horizon, in index order, and one
 * row `beyond: true` when visible rows exist at or above the horizon. Exported for the plan check
 * of its test (index-bounded at any depth).
 */
export function pageStatement(position: Position, since: Date | null, userHash: string | null, limit: number): SQL {
  const filters: SQL[] = [];
  if (since) filters.push(sql`and p.updated_at >= ${since.toISOString()}::timestamptz`);
  if (userHash) {
    // An acting user sees only the projects on which they hold a permission (or are porteur).
    filters.push(sql`and (p.porteur_email_hash = ${userHash}
      or exists (select 1 from project_permissions pp where pp.project_id = p.id and pp.email_hash = ${userHash}))`);
  }
  const after = sql`(p.txid, p.id) > (${position.txid}::bigint, ${position.id}::uuid)`;
  return sql`
    with horizon as materialized (select ${horizon} as h)
    (select p.id, p.txid::text as txid, false as beyond from projects p
      where ${after} and p.txid < (select h from horizon) ${sql.join(filters, sql` `)}
      order by p.txid, p.id
      limit ${limit})
    union all
    (select null, null, true where exists (
      select 1 from projects p where ${after} and p.txid >= (select h from horizon) ${sql.join(filters, sql` `)}))`;
}

/**
 * One page of the resync traversal.
 * @param query `updatedSince` (ISO date: projects whose `updatedAt` is at or after it), `cursor` (the
 *   `nextCursor` of the previous page, which carries the traversal's `updatedSince`), `limit` (1..500).
 * @returns the projects as the caller sees them, in (transaction, id) order, and the cursor of the
 *   next page: null only when nothing visible is left. A page may be empty with a non-null cursor
 *   while a transaction that started earlier is still running (come back a moment later).
 * @throws AppError `validation_failed` for a cursor that is not one of ours (or of the former format).
 */
export async function listProjets(db: Db, caller: Caller, query: ListQuery): Promise<{ items: Projet[]; nextCursor: string | null }> {
  let position: Position;
  let since: Date | null;
  if (query.cursor) ({ position, since } = decodeCursor(query.cursor));
  else {
    since = query.updatedSince ? new Date(query.updatedSince) : null;
    position = since ? await startOf(db, since) : { txid: "-1", id: FIRST_ID };
  }

  const rows = rowsOf<{ id: string | null; txid: string | null; beyond: boolean }>(
    await db.execute(pageStatement(position, since, caller.userHash, query.limit + 1)),
  );
  const page = rows.filter((r) => !r.beyond) as { id: string; txid: string }[];
  const beyond = rows.some((r) => r.beyond);
  const hasMore = page.length > query.limit;
  const taken = page.slice(0, query.limit);

  const [states, catalog] = await Promise.all([loadProjects(db, taken.map((r) => r.id)), loadStatusCatalog(db, caller)]);
  const items = taken.flatMap((r) => {
    const state = states.get(r.id);
    // Changed since the page was read: its new version has a position above the horizon, where
    // this traversal will return it; returning it now too would give that version twice.
    if (!state || String(state.row.txid) !== r.txid) return [];
    return [renderProjet(state, caller.serviceId, catalog)];
  });
  // A project left out above committed after the page's snapshot: the traversal is not over.
  const changedMeanwhile = items.length < taken.length;
  const last = taken.at(-1);
  const next = last ? { txid: last.txid, id: last.id } : position;
  return { items, nextCursor: hasMore || beyond || changedMeanwhile ? encodeCursor(next, since) : null };
}
