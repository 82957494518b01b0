// Project search for operators (issue #11): by name (contains, without case or accents), by hub id,
// or by a service's external id; filtered by linked service, generic status and collectivité.
// Newest change first, keyset on (updated_at, id). Porteur contact data is not part of the result.
// A connected service's agents (issue #12) search with `agentServiceId`: only the projects their
// service is linked to, found by their own external ids only, without the other services' names.
import { and, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { genericStatuses, projectLinks, projects, statusLabelKey } from "@/db/schema";
import { isSaneInstant } from "@/modules/validation/input-rules";
import type { SearchProjectsInput } from "./console-schemas";

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

/**
 * One page of projects matching every filter given.
 * Takes the parsed `searchProjectsInput`: `query` is compared to `projects.nom_key` after the same
 * folding (case, accents, Unicode form: "ecoles" finds "Écoles"), or equals a hub id or an external id;
 * `serviceId` keeps projects linked to that service, `status` those with that generic status code,
 * `collectivite` those naming that INSEE (commune) or SIREN (EPCI) code.
 * `scope.agentServiceId` (the services' space, issue #12) keeps only that service's projects, matches
 * only its own external ids and leaves the linked services' names out.
 * Returns items (with the linked services' names and the status's French label) and the next cursor.
 */
export async function searchProjects(db: DbOrTx, input: SearchProjectsInput, scope: { agentServiceId?: string } = {}) {
  const agent = scope.agentServiceId;
  const conditions: SQL[] = [];
  const query = input.query.trim();
  if (agent) {
    conditions.push(inArray(projects.id, db.select({ id: projectLinks.projectId }).from(projectLinks).where(eq(projectLinks.serviceId, agent))));
  }
  if (query) {
    const escaped = query.replace(/[\\%_]/g, (c) => `\\${c}`);
    const byExternal = db
      .select({ id: projectLinks.projectId })
      .from(projectLinks)
      .where(agent ? and(eq(projectLinks.externalId, query), eq(projectLinks.serviceId, agent)) : eq(projectLinks.externalId, query));
    conditions.push(
      or(
        sql`${projects.nomKey} like '%' || ${statusLabelKey(sql`${escaped}::text`)} || '%'`,
        inArray(projects.id, byExternal),
        ...(uuidPattern.test(query) ? [eq(projects.id, query)] : []),
      )!,
    );
  }
  if (input.serviceId) {
    conditions.push(sql`exists (select 1 from project_links fl where fl.project_id = projects.id and fl.service_id = ${input.serviceId})`);
  }
  if (input.status) conditions.push(eq(projects.genericStatus, input.status));
  if (input.collectivite) {
    conditions.push(sql`${projects.collectivites} @> ${JSON.stringify([{ code: input.collectivite }])}::jsonb`);
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
      statusLibelle: genericStatuses.libelle,
      collectivites: projects.collectivites,
      updatedAt: projects.updatedAt,
      // Qualified by hand: drizzle writes a column of the outer query unqualified inside `sql`, and an
      // unqualified `id` here meant `s.id` (every row showed no linked service, issue #11).
      services: agent
        ? sql<string[]>`'{}'::text[]`
        : sql<string[]>`coalesce((select array_agg(s.nom order by s.nom) from project_links pl join services s on s.id = pl.service_id where pl.project_id = projects.id), '{}')`,
    })
    .from(projects)
    .leftJoin(genericStatuses, eq(genericStatuses.code, projects.genericStatus))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(projects.updatedAt), desc(projects.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > input.limit && last ? encodeCursor(last.updatedAt, last.id) : null };
}
