// Project search for operators: by name (contains), by hub id, or by a service's external id.
// Newest change first, keyset on (updated_at, id). Porteur contact data is not part of the result.
// A connected service's agents (issue #12) search with `serviceId`: only the projects their service
// is linked to, found by their own external ids only, without the other services' names.
import { and, desc, eq, ilike, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { projectLinks, projects, services } from "@/db/schema";
import { isSaneInstant } from "@/modules/validation/input-rules";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(updatedAt: Date, id: string) {
  return Buffer.from(JSON.stringify([updatedAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string | undefined): [Date, string] | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(at);
    // A forged cursor (year −100000, not a string) starts from the top instead of failing in SQL.
    return typeof at !== "string" || typeof id !== "string" || !isSaneInstant(date) || !uuidPattern.test(id) ? null : [date, id];
  } catch {
    return null;
  }
}

export async function searchProjects(db: DbOrTx, input: { query: string; cursor?: string; limit: number; serviceId?: string }) {
  const conditions: SQL[] = [];
  const query = input.query.trim();
  if (input.serviceId) {
    conditions.push(inArray(projects.id, db.select({ id: projectLinks.projectId }).from(projectLinks).where(eq(projectLinks.serviceId, input.serviceId))));
  }
  if (query) {
    const escaped = query.replace(/[\\%_]/g, (c) => `\\${c}`);
    const byExternal = db
      .select({ id: projectLinks.projectId })
      .from(projectLinks)
      .where(input.serviceId ? and(eq(projectLinks.externalId, query), eq(projectLinks.serviceId, input.serviceId)) : eq(projectLinks.externalId, query));
    conditions.push(
      or(
        ilike(projects.nom, `%${escaped}%`),
        inArray(projects.id, byExternal),
        ...(uuidPattern.test(query) ? [eq(projects.id, query)] : []),
      )!,
    );
  }
  const after = decodeCursor(input.cursor);
  if (after) {
    conditions.push(or(lt(projects.updatedAt, after[0]), and(eq(projects.updatedAt, after[0]), lt(projects.id, after[1])))!);
  }
  const rows = await db
    .select({
      id: projects.id,
      nom: projects.nom,
      version: projects.version,
      genericStatus: projects.genericStatus,
      collectivites: projects.collectivites,
      updatedAt: projects.updatedAt,
      services: input.serviceId
        ? sql<string[]>`'{}'::text[]`
        : sql<string[]>`coalesce((select array_agg(s.slug order by s.slug) from ${projectLinks} pl join ${services} s on s.id = pl.service_id where pl.project_id = ${projects.id}), '{}')`,
    })
    .from(projects)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(projects.updatedAt), desc(projects.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > input.limit && last ? encodeCursor(last.updatedAt, last.id) : null };
}
