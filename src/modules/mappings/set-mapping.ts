import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { genericStatuses, statusMappings } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { setMappingInput, type MappingView, type SetMappingInput } from "./mapping-schemas";

/**
 * Maps one of a service's own labels to a generic status, optionally as the default label used to
 * translate that generic status back. Choosing a new default demotes the previous one.
 */
export async function setMapping(db: Db, rawInput: SetMappingInput, actor: Actor): Promise<MappingView> {
  const input = setMappingInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const service = await requireServiceBySlug(tx, input.service);
    const [status] = await tx.select().from(genericStatuses).where(eq(genericStatuses.code, input.generique));
    if (!status) {
      const codes = (await tx.select({ code: genericStatuses.code }).from(genericStatuses).orderBy(genericStatuses.position)).map((s) => s.code);
      throw AppError.validation(
        [{ path: "generique", message: `statut générique inconnu ; attendus : ${codes.join(", ")}` }],
        `Statut générique inconnu : « ${input.generique} ».`,
      );
    }
    const [before] = await tx
      .select()
      .from(statusMappings)
      .where(and(eq(statusMappings.serviceId, service.id), eq(statusMappings.label, input.label)));
    if (input.isDefault) {
      await tx
        .update(statusMappings)
        .set({ isDefault: false, updatedAt: new Date() })
        .where(
          and(
            eq(statusMappings.serviceId, service.id),
            eq(statusMappings.genericStatus, input.generique),
            eq(statusMappings.isDefault, true),
            ne(statusMappings.label, input.label),
          ),
        );
    }
    // A label moved to another generic status stops being the default of its old one.
    const isDefault = input.isDefault || (before?.isDefault === true && before.genericStatus === input.generique);
    const [mapping] = await tx
      .insert(statusMappings)
      .values({ serviceId: service.id, label: input.label, genericStatus: input.generique, isDefault })
      .onConflictDoUpdate({
        target: [statusMappings.serviceId, statusMappings.label],
        set: { genericStatus: input.generique, isDefault, updatedAt: new Date() },
      })
      .returning();
    const view: MappingView = {
      id: mapping!.id,
      service: service.slug,
      label: mapping!.label,
      generique: mapping!.genericStatus,
      isDefault: mapping!.isDefault,
    };
    await writeAudit(tx, actor, {
      action: "status_mapping.set",
      targetType: "service",
      targetId: service.id,
      before: before ? { label: before.label, generique: before.genericStatus, isDefault: before.isDefault } : null,
      after: { label: view.label, generique: view.generique, isDefault: view.isDefault },
    });
    return view;
  });
}
