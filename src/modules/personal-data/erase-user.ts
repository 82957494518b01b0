// POST /utilisateurs/effacement: erases a person everywhere the hub knows them (permissions, porteur
// contact fields), bumps and announces the affected projects, then announces the erasure itself
// (without any personal data). Idempotent: a second call finds nothing and announces nothing.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { projectPermissions, projects } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { enqueueEvent } from "@/modules/outbox/enqueue-event";
import type { Caller } from "@/modules/permissions/check-access";
import { hashEmail } from "@/modules/permissions/hash-email";
import { announceChanges } from "@/modules/projects/announce-changes";
import { loadProjects, updateProjects } from "@/modules/projects/store-projects";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { erasureInputSchema } from "./erasure-schemas";

export async function eraseUser(db: Db, caller: Caller, raw: unknown) {
  const parsed = erasureInputSchema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  const hash = hashEmail(parsed.data.email);
  const catalog = await loadStatusCatalog(db);
  const now = new Date();
  return db.transaction(async (tx) => {
    const removed = await tx.delete(projectPermissions).where(eq(projectPermissions.emailHash, hash)).returning({ projectId: projectPermissions.projectId });
    const porteurOf = await tx.select({ id: projects.id }).from(projects).where(eq(projects.porteurEmailHash, hash));
    const states = await loadProjects(tx, porteurOf.map((p) => p.id), { forUpdate: true });
    const changed = [...states.values()].filter((s) => s.row.porteurEmailHash === hash);
    for (const state of changed) {
      state.row = {
        ...state.row,
        porteurEmail: null,
        porteurEmailHash: null,
        porteurNom: null,
        porteurPrenom: null,
        porteurTelephone: null,
        porteurFonction: null,
        version: state.row.version + 1,
        updatedAt: now,
      };
    }
    await updateProjects(tx, changed.map((s) => s.row));
    let queued = await announceChanges(
      tx,
      caller.serviceId,
      changed.map((state) => ({ type: "projet.modifie" as const, state, changes: ["porteur" as const] })),
      catalog,
    );
    const projetIds = [...new Set([...removed.map((r) => r.projectId), ...changed.map((s) => s.row.id)])].sort();
    if (projetIds.length > 0) {
      const event = await enqueueEvent(tx, {
        type: "utilisateur.efface",
        authorServiceId: caller.serviceId,
        renderData: () => ({ projets: projetIds, permissionsSupprimees: removed.length, projetsModifies: changed.length }),
      });
      queued += event.deliveries;
    }
    return { result: { permissionsSupprimees: removed.length, projetsModifies: changed.length }, queued };
  });
}
