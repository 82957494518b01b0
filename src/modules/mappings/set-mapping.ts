import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { genericStatuses, statusLabelKey, statusMappings } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { requireServiceBySlug } from "@/modules/services/find-service";
import { setMappingInput, type MappingView, type SetMappingInput } from "./mapping-schemas";

/** A label that only differs from one the service already has by case, accents or Unicode form. */
export function lookalikeLabel(label: string, existing: string): AppError {
  return new AppError(
    "conflict",
    `Le libellé « ${label} » ne diffère du libellé existant « ${existing} » de ce service que par la casse, les accents ou la forme Unicode : modifiez « ${existing} » ou choisissez un libellé distinct.`,
    { existant: existing },
  );
}

/**
 * Maps one of a service's own labels (NFC, trimmed by `setMappingInput`) to a generic status,
 * optionally as the default label used to translate that generic status back. Choosing a new
 * default demotes the previous one, named in the result (`replacedDefault`) and the audit entry (issue #11).
 * @throws AppError `conflict` naming the existing label when the service has a label that differs
 *   from this one only by case, accents or Unicode form (CONTRACT §8, issue #15 item 9; also enforced
 *   by the unique index on `status_mappings.label_key`); `validation_failed` for an unknown generic status.
 */
export async function setMapping(db: Db, rawInput: SetMappingInput, actor: Actor): Promise<MappingView> {
  const input = setMappingInput.parse(rawInput);
  try {
    return await writeMapping(db, input, actor);
  } catch (error) {
    // A look-alike inserted concurrently: run again, to name it.
    if (!isLookalikeRace(error)) throw error;
    return writeMapping(db, input, actor);
  }
}

function isLookalikeRace(error: unknown): boolean {
  for (let e = error as { code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown } | null; e && e !== e.cause; e = e.cause as typeof e) {
    if (e.code === "23505" && String(e.constraint_name ?? e.constraint) === "status_mappings_service_label_key_uq") return true;
  }
  return false;
}

async function writeMapping(db: Db, input: ReturnType<typeof setMappingInput.parse>, actor: Actor): Promise<MappingView> {
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
    const [lookalike] = await tx
      .select({ label: statusMappings.label })
      .from(statusMappings)
      .where(
        and(
          eq(statusMappings.serviceId, service.id),
          eq(statusMappings.labelKey, statusLabelKey(sql`${input.label}::text`)),
          ne(statusMappings.label, input.label),
        ),
      );
    if (lookalike) throw lookalikeLabel(input.label, lookalike.label);
    const [before] = await tx
      .select()
      .from(statusMappings)
      .where(and(eq(statusMappings.serviceId, service.id), eq(statusMappings.label, input.label)));
    let replacedDefault: string | null = null;
    if (input.isDefault) {
      const demoted = await tx
        .update(statusMappings)
        .set({ isDefault: false, updatedAt: new Date() })
        .where(
          and(
            eq(statusMappings.serviceId, service.id),
            eq(statusMappings.genericStatus, input.generique),
            eq(statusMappings.isDefault, true),
            ne(statusMappings.label, input.label),
          ),
        )
        .returning({ label: statusMappings.label });
      replacedDefault = demoted[0]?.label ?? null;
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
      replacedDefault,
    };
    await writeAudit(tx, actor, {
      action: "status_mapping.set",
      targetType: "service",
      targetId: service.id,
      before: before ? { label: before.label, generique: before.genericStatus, isDefault: before.isDefault } : null,
      after: { label: view.label, generique: view.generique, isDefault: view.isDefault, ...(replacedDefault ? { ancienDefaut: replacedDefault } : {}) },
    });
    return view;
  });
}
