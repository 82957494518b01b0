// Reads and writes of project rows shared by every write path, in multi-row statements so that a
// bulk of 1000 items costs a handful of round trips rather than thousands. Writes come as statement
// parts too, so that a write path can send them with its outbox rows in one statement.
import { asc, inArray, sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";
import { preparedSql } from "@/db/prepared-sql";
import { writeClockPart, writeClockValue, writeTxid, type StatementPart } from "@/db/combine-writes";
import { projectLinks, projects } from "@/db/schema";
import type { LinkRow, ProjectRow, ProjectState } from "./project-state";

const linkColumns = {
  projectId: projectLinks.projectId,
  serviceId: projectLinks.serviceId,
  externalId: projectLinks.externalId,
  statusLabel: projectLinks.statusLabel,
  createdAt: projectLinks.createdAt,
};

/** Projects with their links; `forUpdate` row-locks them (in id order, to avoid deadlocks). */
export async function loadProjects(db: DbOrTx, ids: string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, ProjectState>> {
  const states = new Map<string, ProjectState>();
  if (ids.length === 0) return states;
  const query = db.select().from(projects).where(inArray(projects.id, ids)).orderBy(asc(projects.id));
  const rows = options.forUpdate ? await query.for("update") : await query;
  for (const row of rows) states.set(row.id, { row, links: [] });
  if (rows.length > 0) {
    const links = await db.select(linkColumns).from(projectLinks).where(inArray(projectLinks.projectId, [...states.keys()]));
    for (const link of links) states.get(link.projectId)?.links.push(link);
  }
  return states;
}

/**
 * The calling service's links for these external ids, by external id. Built once (issue #17): the
 * ids travel as one JSON array, expanded in SQL (one statement text whatever their number, prepared
 * on PostgreSQL where a list of bound parameters past 100 was not), probing the unique index
 * (service_id, external_id).
 */
export async function findLinksByExternalIds(db: DbOrTx, serviceId: string, externalIds: string[]): Promise<Map<string, LinkRow>> {
  const found = new Map<string, LinkRow>();
  if (externalIds.length === 0) return found;
  const rows = rowsOf<{ project_id: string; service_id: string; external_id: string; status_label: string | null; created_at: Date | string }>(
    await db.execute(linksByExternalIds({ serviceId, externalIds: JSON.stringify(externalIds) })),
  );
  for (const row of rows) {
    found.set(row.external_id, {
      projectId: row.project_id,
      serviceId: row.service_id,
      externalId: row.external_id,
      statusLabel: row.status_label,
      // Drivers as drizzle sets them up hand timestamps over as text (PGlite may give a Date).
      createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    });
  }
  return found;
}

const linksByExternalIds = preparedSql<"serviceId" | "externalIds">(
  (p) => sql`
    select project_id, service_id, external_id, status_label, created_at from project_links
    where service_id = ${p.serviceId}::uuid
      and external_id = any(array(select jsonb_array_elements_text(${p.externalIds}::jsonb)))`,
);

/** A project row as the snake_case record that jsonb_to_recordset expands (columns both writes set). */
function projectRecord(r: ProjectRow) {
  return {
    id: r.id,
    version: r.version,
    nom: r.nom,
    description: r.description,
    generic_status: r.genericStatus,
    collectivites: r.collectivites,
    budget_previsionnel: r.budgetPrevisionnel,
    date_debut_previsionnelle: r.dateDebutPrevisionnelle,
    programme: r.programme,
    phase: r.phase,
    phase_statut: r.phaseStatut,
    porteur_email: r.porteurEmail,
    porteur_email_hash: r.porteurEmailHash,
    porteur_nom: r.porteurNom,
    porteur_prenom: r.porteurPrenom,
    porteur_telephone: r.porteurTelephone,
    porteur_fonction: r.porteurFonction,
    porteur_code_siret: r.porteurCodeSiret,
  };
}

// Multi-row writes pass one JSON document expanded by jsonb_to_recordset: a single parameter is
// far cheaper to build and bind than tens of thousands of scalar ones (3-4× faster on 1000 rows).
//
// Every write of a project row sets, from the database and in the write statement itself (after
// the row locks taken by `loadProjects`): `updated_at` (and `created_at` for a new project) from the
// statement's write clock, the same value the outbox puts in the webhook bodies (combine-writes.ts),
// and `txid`, the writing transaction's id, the position of the change for resync (list-projets.ts,
// CONTRACT §8). The `createdAt`/`updatedAt` of the rows passed in are not stored.

/**
 * New projects and their first links (a link's foreign key to its project is checked at the statement's end).
 * Links are inserted in (service, externalId) order: two concurrent writers that race for the same
 * keys then wait on each other in the same order, and the loser fails on the unique index
 * `project_links_service_external_uq` (retried by `retryLinkRaces`) instead of deadlocking.
 */
export function insertProjectsParts(rows: ProjectRow[], links: Omit<LinkRow, "createdAt">[] = [], now = new Date()): StatementPart[] {
  if (rows.length === 0) return insertLinksParts(links, now);
  const payload = JSON.stringify(rows.map((r) => ({ ...projectRecord(r), created_by_service_id: r.createdByServiceId })));
  return [writeClockPart, { name: "new_projects", statement: newProjectsStatement, values: { "new_projects.payload": payload } }, ...insertLinksParts(links, now)];
}

// The statements below are module constants with placeholders: their text is built once (issue #17).
const newProjectsStatement = sql`
    insert into projects (id, version, nom, description, generic_status, collectivites, budget_previsionnel,
      date_debut_previsionnelle, programme, phase, phase_statut, porteur_email, porteur_email_hash, porteur_nom, porteur_prenom,
      porteur_telephone, porteur_fonction, porteur_code_siret, created_by_service_id, created_at, updated_at, txid)
    select id, version, nom, description, generic_status, collectivites, budget_previsionnel,
      date_debut_previsionnelle, programme, phase, phase_statut, porteur_email, porteur_email_hash, porteur_nom, porteur_prenom,
      porteur_telephone, porteur_fonction, porteur_code_siret, created_by_service_id, ${writeClockValue}, ${writeClockValue}, ${writeTxid}
    from jsonb_to_recordset(${sql.placeholder("new_projects.payload")}::jsonb) as v(
      id uuid, version integer, nom text, description text, generic_status text, collectivites jsonb,
      budget_previsionnel bigint, date_debut_previsionnelle date, programme text, phase text, phase_statut text, porteur_email text,
      porteur_email_hash text, porteur_nom text, porteur_prenom text, porteur_telephone text,
      porteur_fonction text, porteur_code_siret text, created_by_service_id uuid)`;

const newLinksStatement = sql`
    insert into project_links (project_id, service_id, external_id, status_label, created_at, updated_at)
    select project_id, service_id, external_id, status_label, ${sql.placeholder("new_links.at")}::timestamptz, ${sql.placeholder("new_links.at")}::timestamptz
    from jsonb_to_recordset(${sql.placeholder("new_links.payload")}::jsonb) as v(project_id uuid, service_id uuid, external_id text, status_label text)
    order by service_id, external_id`;

export function insertLinksParts(links: Omit<LinkRow, "createdAt">[], now: Date): StatementPart[] {
  if (links.length === 0) return [];
  const payload = JSON.stringify(
    links.map((l) => ({ project_id: l.projectId, service_id: l.serviceId, external_id: l.externalId, status_label: l.statusLabel })),
  );
  return [{ name: "new_links", statement: newLinksStatement, values: { "new_links.payload": payload, "new_links.at": now.toISOString() } }];
}

/** The full new state of changed projects (their version already moved by the caller). */
export function updateProjectsParts(rows: ProjectRow[]): StatementPart[] {
  if (rows.length === 0) return [];
  return [writeClockPart, { name: "changed_projects", statement: changedProjectsStatement, values: { "changed_projects.payload": JSON.stringify(rows.map(projectRecord)) } }];
}

const changedProjectsStatement = sql`
    update projects as p set
      version = v.version, nom = v.nom, description = v.description, generic_status = v.generic_status,
      collectivites = v.collectivites, budget_previsionnel = v.budget_previsionnel,
      date_debut_previsionnelle = v.date_debut_previsionnelle, programme = v.programme,
      phase = v.phase, phase_statut = v.phase_statut, porteur_email = v.porteur_email, porteur_email_hash = v.porteur_email_hash, porteur_nom = v.porteur_nom,
      porteur_prenom = v.porteur_prenom, porteur_telephone = v.porteur_telephone,
      porteur_fonction = v.porteur_fonction, porteur_code_siret = v.porteur_code_siret,
      updated_at = ${writeClockValue}, txid = ${writeTxid}
    from jsonb_to_recordset(${sql.placeholder("changed_projects.payload")}::jsonb) as v(
      id uuid, version integer, nom text, description text, generic_status text, collectivites jsonb,
      budget_previsionnel bigint, date_debut_previsionnelle date, programme text, phase text, phase_statut text,
      porteur_email text, porteur_email_hash text, porteur_nom text, porteur_prenom text, porteur_telephone text,
      porteur_fonction text, porteur_code_siret text)
    where p.id = v.id`;

/**
 * Only the remembered phase pair of projects whose visible state did not change (a new pair that
 * the project already showed): no new version, and `updated_at` untouched.
 */
export function updatePhasePairsParts(rows: ProjectRow[]): StatementPart[] {
  if (rows.length === 0) return [];
  const payload = JSON.stringify(rows.map((r) => ({ id: r.id, phase: r.phase, phase_statut: r.phaseStatut })));
  return [{ name: "rephased_projects", statement: rephasedProjectsStatement, values: { "rephased_projects.payload": payload } }];
}

const rephasedProjectsStatement = sql`
    update projects as p set phase = v.phase, phase_statut = v.phase_statut
    from jsonb_to_recordset(${sql.placeholder("rephased_projects.payload")}::jsonb) as v(id uuid, phase text, phase_statut text)
    where p.id = v.id`;

type LabelUpdate = { projectId: string; statusLabel: string | null };

/** Each service's last own status label on its links. */
export function updateLinkLabelsParts(serviceId: string, labels: LabelUpdate[], now: Date): StatementPart[] {
  if (labels.length === 0) return [];
  const byProject = JSON.stringify(Object.fromEntries(labels.map((l) => [l.projectId, l.statusLabel])));
  return [
    {
      name: "relabelled_links",
      statement: relabelledLinksStatement,
      values: { "relabelled_links.service": serviceId, "relabelled_links.labels": byProject, "relabelled_links.at": now.toISOString() },
    },
  ];
}

// A map project id → label, and the ids as an array: `project_id = any(…)` probes the primary key,
// where a join with jsonb_to_recordset (estimated at 100 rows) had the planner scan every link.
const relabelledLinksStatement = sql`
    update project_links as l
    set status_label = ${sql.placeholder("relabelled_links.labels")}::jsonb ->> l.project_id::text, updated_at = ${sql.placeholder("relabelled_links.at")}::timestamptz
    where l.service_id = ${sql.placeholder("relabelled_links.service")}::uuid
      and l.project_id = any(array(select jsonb_object_keys(${sql.placeholder("relabelled_links.labels")}::jsonb)::uuid))`;
