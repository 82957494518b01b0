// A project as operators see it: shared fields (without porteur contact data), its links to
// services, its event history and the deliveries of each event; collectivités named (issue #11).
// A connected service's agents (issue #12) read it with `serviceId`: only a project their service is
// linked to (else the same `not_found` as an unknown project), their own link and their own
// deliveries — no other service's data.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { deliveries, events, genericStatuses, projectLinks, projects, services } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { nameCollectivites } from "./name-collectivites";

/**
 * Everything the console's project page shows. Takes the project's hub id (uuid) and, for the
 * services' space, the agent's `serviceId`.
 * @throws AppError `not_found` for an unknown project (or one not linked to `scope.serviceId`).
 */
export async function getProjectDetail(db: DbOrTx, projectId: string, scope: { serviceId?: string } = {}) {
  const [project] = await db
    .select({
      id: projects.id,
      nom: projects.nom,
      version: projects.version,
      genericStatus: projects.genericStatus,
      statusLibelle: genericStatuses.libelle,
      description: projects.description,
      phase: projects.phase,
      phaseStatut: projects.phaseStatut,
      collectivites: projects.collectivites,
      budgetPrevisionnel: projects.budgetPrevisionnel,
      dateDebutPrevisionnelle: projects.dateDebutPrevisionnelle,
      programme: projects.programme,
      hasPorteur: projects.porteurEmailHash,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
    })
    .from(projects)
    .leftJoin(genericStatuses, eq(genericStatuses.code, projects.genericStatus))
    .where(eq(projects.id, projectId))
    .limit(1);
  if (!project) throw new AppError("not_found", "Projet introuvable.");
  const linkScope = scope.serviceId ? and(eq(projectLinks.projectId, projectId), eq(projectLinks.serviceId, scope.serviceId)) : eq(projectLinks.projectId, projectId);
  const links = await db
    .select({ slug: services.slug, nom: services.nom, externalId: projectLinks.externalId, statusLabel: projectLinks.statusLabel, createdAt: projectLinks.createdAt })
    .from(projectLinks)
    .innerJoin(services, eq(services.id, projectLinks.serviceId))
    .where(linkScope)
    .orderBy(services.slug);
  if (scope.serviceId && links.length === 0) throw new AppError("not_found", "Projet introuvable.");
  const history = await db
    .select({ id: events.id, type: events.type, projectVersion: events.projectVersion, changements: events.changements, createdAt: events.createdAt, authorSlug: services.slug })
    .from(events)
    .leftJoin(services, eq(services.id, events.authorServiceId))
    .where(eq(events.projectId, projectId))
    .orderBy(desc(events.createdAt), desc(events.id))
    .limit(200);
  // The deliveries of the events shown, found by event (deliveries have no index by project alone).
  const sent = history.length === 0 ? [] : await db
    .select({ id: deliveries.id, eventId: deliveries.eventId, serviceSlug: services.slug, state: deliveries.state, attemptCount: deliveries.attemptCount, lastStatusCode: deliveries.lastStatusCode, createdAt: deliveries.createdAt })
    .from(deliveries)
    .innerJoin(services, eq(services.id, deliveries.serviceId))
    .where(
      scope.serviceId
        ? and(inArray(deliveries.eventId, history.map((e) => e.id)), eq(deliveries.serviceId, scope.serviceId))
        : inArray(deliveries.eventId, history.map((e) => e.id)),
    )
    .orderBy(desc(deliveries.id))
    .limit(500);
  const { hasPorteur, ...shared } = project;
  return {
    project: { ...shared, collectivites: nameCollectivites(shared.collectivites), hasPorteur: Boolean(hasPorteur) },
    links,
    events: history.map((e) => ({ ...e, deliveries: sent.filter((d) => d.eventId === e.id) })),
  };
}
