// A `Projet` as one reader sees it (CONTRACT §1), rendered to JSON text by the database, for the
// resync pages (list-projets.ts): 500 projects a page, 100,000 in a traversal. Rendering them in
// JavaScript cost a second query for the rows and links (two 500-value IN lists, never prepared),
// parsing every column, building the objects and `JSON.stringify` of 400 KB a page (~1 s of the
// hub's single thread per 100,000 projects, issue #17). Here the page statement itself returns each
// project's JSON text, and the response is the items joined.
//
// The bytes must be those of `renderProjet` (project-state.ts) followed by `JSON.stringify`: same
// keys in the same order, compact, same escapes (PostgreSQL's `row_to_json` and `to_json` escape
// like JSON.stringify: `\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00xx`), times as
// `toISOString()` (milliseconds, truncated, `Z`). The reader-dependent parts (own external id, own
// status label, phase pair, slugs) follow the same status catalog, passed as one JSON parameter
// built from the catalog cached for the request (`readerViewParameter`), with the same rules as
// `ownLabelFor` and `phaseOf` (load-status-catalog.ts, phase-vocabulary.ts). A change to either
// rendering is a change to both: `src/app/api/v1/projets/list-rendering.int.test.ts` compares them
// on a varied data set.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { StatusCatalog } from "@/modules/statuses/load-status-catalog";

/**
 * The catalog's parts that one reader's view needs, as a JSON text for `projetJson` and `pageLinks`:
 * `reader` (its labels: own label → generic status, and defaults: generic status → own label; null
 * when the reader is not a known service), `slugs` (service id → slug), `phases` (phase →
 * phaseStatut → generic status, and generic status → default [phase, phaseStatut]; null when the
 * catalog has no phase table). Maps become objects: keys are unique in both.
 */
export function readerViewParameter(catalog: StatusCatalog, readerServiceId: string | null): string {
  const reader = readerServiceId ? catalog.services.get(readerServiceId) : undefined;
  const slugs: Record<string, string> = {};
  for (const [id, service] of catalog.services) slugs[id] = service.slug;
  let phases: { toGeneric: Record<string, Record<string, string>>; defaults: Record<string, [string, string]> } | null = null;
  if (catalog.phases) {
    phases = { toGeneric: {}, defaults: {} };
    // The catalog keys pairs by `phase \0 phaseStatut`; jsonb refuses \0, so the pair nests here.
    for (const [key, generic] of catalog.phases.toGeneric) {
      const [phase, phaseStatut] = key.split("\u0000") as [string, string];
      (phases.toGeneric[phase] ??= {})[phaseStatut] = generic;
    }
    for (const [generic, pair] of catalog.phases.defaults) phases.defaults[generic] = [pair.phase, pair.phaseStatut];
  }
  return JSON.stringify({
    reader: reader ? { labels: Object.fromEntries(reader.labels), defaults: Object.fromEntries(reader.defaults) } : null,
    slugs,
    phases,
  });
}

/** `toISOString()` of a timestamptz as a JSON string: UTC, milliseconds truncated as a JS Date keeps them. */
const isoTime = (column: SQL) => sql`('"' || to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"')`;

/** A value as JSON text (`to_json` escapes strings as JSON.stringify does), `null` for SQL null. */
const json = (value: SQL) => sql`coalesce(to_json(${value})::text, 'null')`;

/** The reader's service id, or a placeholder for it (a statement built once, prepared-sql.ts). */
type ReaderId = string | null | SQLWrapper;

/**
 * The links of the projects whose ids `ids` (a subquery) lists, one row per project that has any, as
 * `projetJson` reads them (`lk`): `project_id`, `own_external_id` and `own_label` (the reader's own
 * link, null without one), `external_ids` and `services` (the texts inside `externalIds`'s braces and
 * `services`' brackets), in `renderProjet`'s order: creation time as a JS Date holds it
 * (milliseconds), then service id. One sort and one grouped aggregate for a whole page (issue #17):
 * a correlated subquery per project ran its own index scan, sort and aggregate 500 times a page.
 * `view` is as for `projetJson`.
 */
export function pageLinks(readerServiceId: ReaderId, view: SQL, ids: SQL): SQL {
  const slug = sql`to_json(coalesce((${view})->'slugs'->>l.service_id::text, l.service_id::text))::text`;
  const own = sql`l.service_id = ${readerServiceId}::uuid`;
  // The aggregates take each project's links in the order of the sorted subquery, as it comes.
  return sql`select l.project_id,
      max(l.external_id) filter (where ${own}) as own_external_id,
      max(l.status_label) filter (where ${own}) as own_label,
      string_agg(${slug} || ':' || to_json(l.external_id)::text, ',') as external_ids,
      string_agg(${slug}, ',') as services
    from (select l.* from project_links l where l.project_id = any(array(${ids}))
      order by l.project_id, date_trunc('milliseconds', l.created_at), l.service_id) as l
    group by l.project_id`;
}

/**
 * The JSON text of the project row `p` (an alias of `projects`' columns in the enclosing query) as the
 * service `readerServiceId` sees it, with `lk` its row of `pageLinks` (null columns for a project
 * without links: a left join) and `view` the jsonb of `readerViewParameter` (an expression evaluated
 * once, e.g. a CTE's column). Built by concatenation, the keys in `renderProjet`'s order: nested
 * `row_to_json` subqueries cost a subplan each per project (3× slower on 500 projects).
 */
export function projetJson(readerServiceId: ReaderId, view: SQL): SQL {
  const generic = sql`nullif(p.generic_status, '')`;
  const reader = sql`(${view})->'reader'`;
  const phases = sql`(${view})->'phases'`;
  // ownLabelFor: the last own label while it maps to the current generic status, else the default.
  const service = sql`case
    when ${generic} is null or jsonb_typeof(${reader}) is distinct from 'object' then null
    when nullif(lk.own_label, '') is not null and ${reader}->'labels'->>lk.own_label = p.generic_status then lk.own_label
    else ${reader}->'defaults'->>p.generic_status end`;
  // phaseOf: the last pair while it maps to the current generic status, else the status's default pair.
  const noPhase = sql`${generic} is null or jsonb_typeof(${phases}) is distinct from 'object'`;
  const keepsPair = sql`nullif(p.phase, '') is not null and nullif(p.phase_statut, '') is not null
    and ${phases}->'toGeneric'->p.phase->>p.phase_statut = p.generic_status`;
  const phase = sql`case when ${noPhase} then null when ${keepsPair} then p.phase else ${phases}->'defaults'->p.generic_status->>0 end`;
  const phaseStatut = sql`case when ${noPhase} then null when ${keepsPair} then p.phase_statut else ${phases}->'defaults'->p.generic_status->>1 end`;
  const porteurNull = sql`coalesce(p.porteur_email, p.porteur_nom, p.porteur_prenom, p.porteur_telephone, p.porteur_fonction, p.porteur_code_siret) is null`;
  // Stored collectivités are {type, code} objects (validated on write); jsonb keeps its own key order.
  const collectivite = (v: SQL) => sql`'{"type":' || coalesce((${v}->'type')::text, 'null') || ',"code":' || coalesce((${v}->'code')::text, 'null') || '}'`;
  // One collectivité (the common case) without the subquery over its elements: a subplan per project.
  const collectivites = sql`'[' || case jsonb_array_length(p.collectivites) when 1 then ${collectivite(sql`(p.collectivites->0)`)}
    else coalesce((select string_agg(${collectivite(sql`e.v`)}, ',') from jsonb_array_elements(p.collectivites) as e(v)), '') end || ']'`;
  return sql`('{"id":"' || p.id::text || '","version":' || p.version::text
      || ',"createdAt":' || ${isoTime(sql`p.created_at`)} || ',"updatedAt":' || ${isoTime(sql`p.updated_at`)}
      || ',"externalId":' || ${json(sql`lk.own_external_id`)}
      || ',"nom":' || ${json(sql`p.nom`)}
      || ',"description":' || ${json(sql`p.description`)}
      || ',"statut":{"generique":' || ${json(sql`p.generic_status`)} || ',"service":' || ${json(service)} || '}'
      || ',"phase":' || ${json(phase)} || ',"phaseStatut":' || ${json(phaseStatut)}
      || ',"porteur":' || case when ${porteurNull} then 'null' else '{"email":' || ${json(sql`p.porteur_email`)}
        || ',"nom":' || ${json(sql`p.porteur_nom`)} || ',"prenom":' || ${json(sql`p.porteur_prenom`)}
        || ',"telephone":' || ${json(sql`p.porteur_telephone`)} || ',"fonction":' || ${json(sql`p.porteur_fonction`)}
        || ',"codeSiret":' || ${json(sql`p.porteur_code_siret`)} || '}' end
      || ',"collectivites":' || ${collectivites}
      || ',"budgetPrevisionnel":' || coalesce(p.budget_previsionnel::text, 'null')
      || ',"dateDebutPrevisionnelle":' || coalesce('"' || to_char(p.date_debut_previsionnelle, 'YYYY-MM-DD') || '"', 'null')
      || ',"programme":' || ${json(sql`p.programme`)}
      || ',"externalIds":{' || coalesce(lk.external_ids, '') || '},"services":[' || coalesce(lk.services, '') || ']}')`;
}
