import { and, count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { genericStatuses, projectLinks, statusMappings } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { deleteMappingInput, type DeletedMappingView, type DeleteMappingInput } from "./mapping-schemas";

/**
 * Deletes one of a service's status labels (issue #11), audited in the same transaction.
 * While projects (links of this service) still carry the label, the deletion is refused unless
 * `moveTo` names another label of the same generic status: those links then carry `moveTo`. Their
 * generic status does not change, so no project version moves and no event is sent: only the
 * service's own reading of its label changes. If the deleted label was the default, `moveTo` becomes
 * the default; without `moveTo`, the status is left without a default (the console says so).
 * Returns what was deleted and moved.
 * @throws AppError `not_found` (unknown service or label), `conflict` (label still used, no `moveTo`;
 *   details: `projets`), `validation_failed` (`moveTo` unknown, the same label, or of another status).
 */
export async function deleteMapping(db: Db, rawInput: DeleteMappingInput, actor: Actor): Promise<DeletedMappingView> {
  const input = deleteMappingInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const service = await requireServiceBySlug(tx, input.service);
    const ofService = (label: string) => and(eq(statusMappings.serviceId, service.id), eq(statusMappings.label, label));
    const [mapping] = await tx.select().from(statusMappings).where(ofService(input.label)).for("update");
    if (!mapping) throw new AppError("not_found", `Le service n'a pas de libellé « ${input.label} ».`);
    const [status] = await tx.select({ libelle: genericStatuses.libelle }).from(genericStatuses).where(eq(genericStatuses.code, mapping.genericStatus));
    const statusName = status?.libelle ?? mapping.genericStatus;
    let target: typeof mapping | undefined;
    if (input.moveTo !== undefined) {
      [target] = await tx.select().from(statusMappings).where(ofService(input.moveTo)).for("update");
      const refusal = !target
        ? `le service n'a pas de libellé « ${input.moveTo} »`
        : target.id === mapping.id
          ? "choisissez un autre libellé que celui supprimé"
          : target.genericStatus !== mapping.genericStatus
            ? `« ${target.label} » ne correspond pas au même statut générique (« ${statusName} »)`
            : null;
      if (refusal) throw AppError.validation([{ path: "moveTo", message: refusal }], `Déplacement impossible : ${refusal}.`);
    }
    const linked = and(eq(projectLinks.serviceId, service.id), eq(projectLinks.statusLabel, mapping.label));
    const [{ used } = { used: 0 }] = await tx.select({ used: count() }).from(projectLinks).where(linked);
    if (used > 0 && !target) {
      throw new AppError(
        "conflict",
        `Le libellé « ${mapping.label} » est encore celui de ${used} projet${used > 1 ? "s" : ""} : choisissez un autre libellé du statut « ${statusName} » vers lequel ${used > 1 ? "les" : "le"} déplacer.`,
        { projets: used },
      );
    }
    if (target && used > 0) await tx.update(projectLinks).set({ statusLabel: target.label, updatedAt: new Date() }).where(linked);
    await tx.delete(statusMappings).where(eq(statusMappings.id, mapping.id));
    const newDefault = mapping.isDefault && target ? target.label : null;
    if (newDefault) await tx.update(statusMappings).set({ isDefault: true, updatedAt: new Date() }).where(eq(statusMappings.id, target!.id));
    await writeAudit(tx, actor, {
      action: "status_mapping.delete",
      targetType: "service",
      targetId: service.id,
      before: { label: mapping.label, generique: mapping.genericStatus, isDefault: mapping.isDefault, projets: used },
      after: target ? { deplacesVers: target.label, projetsDeplaces: used, ...(newDefault ? { nouveauDefaut: newDefault } : {}) } : null,
    });
    return { service: service.slug, label: mapping.label, generique: mapping.genericStatus, movedProjects: target ? used : 0, newDefault };
  });
}
