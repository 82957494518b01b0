// PATCH /projets/{id}: partial update by a linked service (and, with X-User-Email, a user holding WRITE).
import type { Db } from "@/db/client";
import { WRITE_CLOCK, type StatementPart } from "@/db/combine-writes";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { forbiddenNotLinked, requireUserLevel, type Caller } from "@/modules/permissions/check-access";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { resolvePhase, unknownPhase } from "@/modules/statuses/phase-vocabulary";
import { announceChanges } from "./announce-changes";
import { applyPhasePair, applyProjetInput } from "./apply-projet-input";
import { checkCollectivites } from "./check-collectivites";
import { DEFAULT_PHASE_STATUT, projetPatchSchema } from "./projet-schemas";
import { resolveStatut, unknownStatus } from "./resolve-statut";
import { loadProjects, updateLinkLabelsParts, updatePhasePairsParts, updateProjectsParts } from "./store-projects";

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
  const phase = resolvePhase(catalog, input.phase, input.phaseStatut, DEFAULT_PHASE_STATUT, "phase");
  if (phase.issue) throw unknownPhase(phase);

  const now = new Date();
  return db.transaction(async (tx) => {
    const state = (await loadProjects(tx, [projectId], { forUpdate: true })).get(projectId);
    if (!state) throw projectNotFound();
    const link = state.links.find((l) => l.serviceId === caller.serviceId);
    if (!link) throw forbiddenNotLinked();
    await requireUserLevel(tx, caller, state.row, "WRITE");

    const applied = applyProjetInput(state.row, input, input.phase !== undefined ? phase.generic : statut.generic, caller.emailHashSecret);
    const { storedOnly } = applyPhasePair(state.row, applied, phase.pair, catalog);
    const { next, changes } = applied;
    const writes: StatementPart[] = [];
    if (input.statut !== undefined && input.statut !== link.statusLabel) {
      writes.push(...updateLinkLabelsParts(caller.serviceId, [{ projectId, statusLabel: input.statut }], now));
      link.statusLabel = input.statut;
    }
    const previousCollectivites = changes.includes("collectivites") ? state.row.collectivites : undefined;
    if (changes.length > 0) {
      next.version = state.row.version + 1;
      next.updatedAt = WRITE_CLOCK;
      state.row = next;
      writes.push(...updateProjectsParts([next]));
    } else if (storedOnly) {
      writes.push(...updatePhasePairsParts([next]));
    }
    const announced = changes.length > 0 ? [{ type: "projet.modifie" as const, state, changes, previousCollectivites }] : [];
    const queued = await announceChanges(tx, caller.serviceId, announced, catalog, writes);
    return { result: { id: state.row.id, version: state.row.version }, queued };
  });
}
