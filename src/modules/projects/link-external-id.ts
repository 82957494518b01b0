// PUT /projets/{id}/external-id: the calling service links its own id to an existing project
// (the "import a TeT project into MEC" flow). Other services then see it in externalIds/services.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { WRITE_CLOCK } from "@/db/combine-writes";
import { projectLinks } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { requireUserLevel, type Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { announceChanges } from "./announce-changes";
import { projectNotFound } from "./patch-projet";
import { externalIdInputSchema } from "./projet-schemas";
import { retryLinkRaces } from "./retry-link-races";
import { insertLinksParts, loadProjects, updateProjectsParts } from "./store-projects";

export async function linkExternalId(db: Db, caller: Caller, projectId: string, raw: unknown) {
  const parsed = externalIdInputSchema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  const { externalId } = parsed.data;
  const catalog = await loadStatusCatalog(db, caller);
  const now = new Date();
  // A concurrent POST creating this externalId is arbitrated by the unique index: the loser runs
  // again and sees the winner's link (409 here, or an update of this project there).
  return retryLinkRaces(() => db.transaction(async (tx) => {
    const state = (await loadProjects(tx, [projectId], { forUpdate: true })).get(projectId);
    if (!state) throw projectNotFound();
    await requireUserLevel(tx, caller, state.row, "WRITE");

    const [taken] = await tx
      .select({ projectId: projectLinks.projectId })
      .from(projectLinks)
      .where(and(eq(projectLinks.serviceId, caller.serviceId), eq(projectLinks.externalId, externalId)));
    if (taken && taken.projectId !== projectId) {
      throw new AppError("conflict", "Cet externalId désigne déjà un autre projet pour le service appelant.", { projetId: taken.projectId });
    }
    const own = state.links.find((l) => l.serviceId === caller.serviceId);
    if (own) {
      if (own.externalId === externalId) return { result: { id: projectId, version: state.row.version }, queued: 0 };
      throw new AppError("conflict", "Le service appelant est déjà lié à ce projet avec un autre externalId.", { externalId: own.externalId });
    }
    const link = { projectId, serviceId: caller.serviceId, externalId, statusLabel: null };
    state.links.push({ ...link, createdAt: now });
    state.row = { ...state.row, version: state.row.version + 1, updatedAt: WRITE_CLOCK };
    const queued = await announceChanges(
      tx,
      caller.serviceId,
      [{ type: "projet.modifie", state, changes: ["externalIds", "services"] }],
      catalog,
      [...insertLinksParts([link], now), ...updateProjectsParts([state.row])],
    );
    return { result: { id: projectId, version: state.row.version }, queued };
  }));
}
