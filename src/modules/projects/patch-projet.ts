// PATCH /projets/{id}: partial update by a linked service (and, with X-User-Email, a user holding WRITE).
import type { Db } from "@/db/client";
import { WRITE_CLOCK, type StatementPart } from "@/db/combine-writes";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { forbiddenNotLinked, requireUserLevel, type Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { announceChanges } from "./announce-changes";
import { applyProjetInput } from "./apply-projet-input";
import { checkCollectivites } from "./check-collectivites";
import { projetPatchSchema } from "./projet-schemas";
import { resolveStatut, unknownStatus } from "./resolve-statut";
import { loadProjects, updateLinkLabelsParts, updateProjectsParts } from "./store-projects";

export function projectNotFound(): AppError {
  return new AppError("not_found", "Projet introuvable.");
}

export async function patchProjet(db: Db, caller: Caller, projectId: string, raw: unknown) {
  const parsed = projetPatchSchema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  const input = parsed.data;
  const codeIssues = checkCollectivites(input.collectivites, "");
  if (codeIssues.length > 0) throw AppError.validation(codeIssues);
  const catalog = await loadStatusCatalog(db, caller);
  const statut = resolveStatut(catalog, caller.serviceId, input.statut, "statut");
  if (statut.issue) throw unknownStatus(input.statut!, statut.accepted ?? []);

  const now = new Date();
  return db.transaction(async (tx) => {
    const state = (await loadProjects(tx, [projectId], { forUpdate: true })).get(projectId);
    if (!state) throw projectNotFound();
    const link = state.links.find((l) => l.serviceId === caller.serviceId);
    if (!link) throw forbiddenNotLinked();
    await requireUserLevel(tx, caller, state.row, "WRITE");

    const { next, changes } = applyProjetInput(state.row, input, statut.generic);
    const writes: StatementPart[] = [];
    if (input.statut !== undefined && input.statut !== link.statusLabel) {
      writes.push(...updateLinkLabelsParts(caller.serviceId, [{ projectId, statusLabel: input.statut }], now));
      link.statusLabel = input.statut;
    }
    if (changes.length > 0) {
      next.version = state.row.version + 1;
      next.updatedAt = WRITE_CLOCK;
      state.row = next;
      writes.push(...updateProjectsParts([next]));
    }
    const announced = changes.length > 0 ? [{ type: "projet.modifie" as const, state, changes }] : [];
    const queued = await announceChanges(tx, caller.serviceId, announced, catalog, writes);
    return { result: { id: state.row.id, version: state.row.version }, queued };
  });
}
