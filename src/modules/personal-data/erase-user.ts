// POST /utilisateurs/effacement: erases a person everywhere the hub knows them (permissions, agent grants, technical contacts and their alert mails, porteur
// contact fields, also in the outbox's stored bodies), bumps and announces the affected projects,
// then announces the erasure itself (without any personal data). Idempotent: a second call finds nothing and announces nothing.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { WRITE_CLOCK } from "@/db/combine-writes";
import { alertMails, projectPermissions, projects, serviceAgents, serviceContacts } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { enqueueEvents, queuedWork } from "@/modules/outbox/enqueue-event";
import { scrubPorteurFromBodies } from "@/modules/outbox/scrub-porteur-from-bodies";
import type { Caller } from "@/modules/permissions/check-access";
import { hashEmail } from "@/modules/permissions/hash-email";
import { announcementEvents } from "@/modules/projects/announce-changes";
import { loadProjects, updateProjectsParts } from "@/modules/projects/store-projects";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { erasureInputSchema } from "./erasure-schemas";

/** The porteur's contact fields an erasure clears, as named in a project body → their column. The SIRET identifies the organisation, not the person: it stays. */
const erasedPorteurColumns = {
  email: "porteurEmail",
  nom: "porteurNom",
  prenom: "porteurPrenom",
  telephone: "porteurTelephone",
  fonction: "porteurFonction",
} as const;

export async function eraseUser(db: Db, caller: Caller, raw: unknown) {
  const parsed = erasureInputSchema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  const hash = hashEmail(parsed.data.email, caller.emailHashSecret);
  const catalog = await loadStatusCatalog(db, caller);
  return db.transaction(async (tx) => {
    // The person's access to connected services' spaces goes too (issue #12: agents' emails are personal data).
    await tx.delete(serviceAgents).where(eq(serviceAgents.email, parsed.data.email.trim().toLowerCase()));
    // So do their technical-contact entries and the alert mails addressed to them, sent or not (issue #11).
    await tx.delete(serviceContacts).where(eq(serviceContacts.email, parsed.data.email.trim().toLowerCase()));
    await tx.delete(alertMails).where(eq(alertMails.recipient, parsed.data.email.trim().toLowerCase()));
    const removed = await tx.delete(projectPermissions).where(eq(projectPermissions.emailHash, hash)).returning({ projectId: projectPermissions.projectId });
    const porteurOf = await tx.select({ id: projects.id }).from(projects).where(eq(projects.porteurEmailHash, hash));
    const states = await loadProjects(tx, porteurOf.map((p) => p.id), { forUpdate: true });
    const changed = [...states.values()].filter((s) => s.row.porteurEmailHash === hash);
    for (const state of changed) {
      const cleared = Object.fromEntries(Object.values(erasedPorteurColumns).map((column) => [column, null]));
      state.row = { ...state.row, ...cleared, porteurEmailHash: null, version: state.row.version + 1, updatedAt: WRITE_CLOCK };
    }
    // The stored bodies lose the contact too; the new events carry none.
    await scrubPorteurFromBodies(tx, { projectIds: changed.map((s) => s.row.id), emailHash: hash }, parsed.data.email.trim().toLowerCase(), Object.keys(erasedPorteurColumns));
    const events = announcementEvents(
      caller.serviceId,
      changed.map((state) => ({ type: "projet.modifie" as const, state, changes: ["porteur" as const] })),
      catalog,
    );
    const projetIds = [...new Set([...removed.map((r) => r.projectId), ...changed.map((s) => s.row.id)])].sort();
    if (projetIds.length > 0) {
      events.push({
        type: "utilisateur.efface",
        authorServiceId: caller.serviceId,
        data: { projets: projetIds, permissionsSupprimees: removed.length, projetsModifies: changed.length },
      });
    }
    const queued = await enqueueEvents(tx, events, updateProjectsParts(changed.map((s) => s.row)));
    return {
      result: { permissionsSupprimees: removed.length, projetsModifies: changed.length },
      queued: queuedWork(queued),
    };
  });
}
