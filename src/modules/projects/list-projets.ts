// GET /projets: pages ordered by (updated_at, id) for services that resync after an outage.
import { and, asc, eq, exists, gt, gte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { projectPermissions, projects } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { isSaneInstantText } from "@/modules/validation/input-rules";
import type { Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { renderProjet } from "./project-state";
import type { Projet } from "./projet-schemas";
import { loadProjects } from "./store-projects";

export type ListQuery = { updatedSince?: string; cursor?: string; limit: number };

// The cursor carries the database's own microsecond timestamp text, not a JS Date (milliseconds),
// so that two projects updated in the same millisecond are neither skipped nor repeated.
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f-]{36})$/;

function decodeCursor(cursor: string): { at: string; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = cursorPattern.exec(text);
  // A forged cursor may carry a date PostgreSQL refuses (year 0000): refused here, not as a 500.
  if (!match || !isSaneInstantText(match[1]!)) throw AppError.validation([{ path: "cursor", message: "curseur invalide (reprenez la valeur nextCursor d'une page)" }]);
  return { at: match[1]!, id: match[2]! };
}

const encodeCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`, "utf8").toString("base64url");

export async function listProjets(db: Db, caller: Caller, query: ListQuery): Promise<{ items: Projet[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.updatedSince) conditions.push(gte(projects.updatedAt, new Date(query.updatedSince)));
  if (query.cursor) {
    const { at, id } = decodeCursor(query.cursor);
    conditions.push(
      or(gt(projects.updatedAt, sql`${at}::timestamptz`), and(eq(projects.updatedAt, sql`${at}::timestamptz`), gt(projects.id, id)))!,
    );
  }
  if (caller.userHash) {
    // An acting user sees only the projects on which they hold a permission (or are porteur).
    const hash = caller.userHash;
    conditions.push(
      or(
        eq(projects.porteurEmailHash, hash),
        exists(
          db
            .select({ one: sql`1` })
            .from(projectPermissions)
            .where(and(eq(projectPermissions.projectId, projects.id), eq(projectPermissions.emailHash, hash))),
        ),
      )!,
    );
  }
  const page = await db
    .select({ id: projects.id, at: sql<string>`to_char(${projects.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
    .from(projects)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(projects.updatedAt), asc(projects.id))
    .limit(query.limit + 1);
  const hasMore = page.length > query.limit;
  const ids = page.slice(0, query.limit);
  const [states, catalog] = await Promise.all([loadProjects(db, ids.map((r) => r.id)), loadStatusCatalog(db, caller)]);
  const items = ids.flatMap((r) => {
    const state = states.get(r.id);
    return state ? [renderProjet(state, caller.serviceId, catalog)] : [];
  });
  const last = ids[ids.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(last.at, last.id) : null };
}
