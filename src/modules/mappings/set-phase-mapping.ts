// Edits the phase vocabulary's correspondence (CONTRACT §8: "data, editable like mappings"): one
// (phase, phaseStatut) pair → a generic status, optionally the default pair used to translate that
// status back. The table's trigger moves `catalog_version`: every hub process picks the change up.
import { and, eq, ne, or } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { genericStatuses, phaseMappings } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { PHASE_STATUTS, PHASES } from "@/modules/projects/projet-schemas";
import { genericStatusCodeSchema } from "./mapping-schemas";

const nfcTrim = (v: unknown) => (typeof v === "string" ? v.normalize("NFC").trim() : v);

export const setPhaseMappingInput = z.strictObject({
  phase: z.preprocess(nfcTrim, z.enum(PHASES, { error: `phase attendue : ${PHASES.join(", ")}` })),
  phaseStatut: z.preprocess(nfcTrim, z.enum(PHASE_STATUTS, { error: `phaseStatut attendu : ${PHASE_STATUTS.join(", ")}` })),
  generique: genericStatusCodeSchema,
  isDefault: z.boolean().default(false),
});
export type SetPhaseMappingInput = z.input<typeof setPhaseMappingInput>;
export type PhaseMappingView = { phase: string; phaseStatut: string; generique: string; isDefault: boolean };

/**
 * Maps a (phase, phaseStatut) pair to a generic status; `isDefault` makes it the pair shown for that
 * status when a project's last pair no longer maps (the previous default is demoted). A default pair
 * moved to another status stops being the default of its old one.
 * @throws AppError `validation_failed` for an unknown generic status or a value outside the vocabulary.
 */
export async function setPhaseMapping(db: Db, rawInput: SetPhaseMappingInput, actor: Actor): Promise<PhaseMappingView> {
  const parsed = setPhaseMappingInput.safeParse(rawInput);
  if (!parsed.success) {
    throw AppError.validation(parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(corps)", message: i.message })));
  }
  const input = parsed.data;
  return db.transaction(async (tx) => {
    const [status] = await tx.select().from(genericStatuses).where(eq(genericStatuses.code, input.generique));
    if (!status) {
      const codes = (await tx.select({ code: genericStatuses.code }).from(genericStatuses).orderBy(genericStatuses.position)).map((s) => s.code);
      throw AppError.validation(
        [{ path: "generique", message: `statut générique inconnu ; attendus : ${codes.join(", ")}` }],
        `Statut générique inconnu : « ${input.generique} ».`,
      );
    }
    const samePair = and(eq(phaseMappings.phase, input.phase), eq(phaseMappings.phaseStatut, input.phaseStatut));
    const [before] = await tx.select().from(phaseMappings).where(samePair);
    if (input.isDefault) {
      await tx
        .update(phaseMappings)
        .set({ isDefault: false, updatedAt: new Date() })
        .where(
          and(
            eq(phaseMappings.genericStatus, input.generique),
            eq(phaseMappings.isDefault, true),
            or(ne(phaseMappings.phase, input.phase), ne(phaseMappings.phaseStatut, input.phaseStatut)),
          ),
        );
    }
    const isDefault = input.isDefault || (before?.isDefault === true && before.genericStatus === input.generique);
    const [row] = await tx
      .insert(phaseMappings)
      .values({ phase: input.phase, phaseStatut: input.phaseStatut, genericStatus: input.generique, isDefault })
      .onConflictDoUpdate({ target: [phaseMappings.phase, phaseMappings.phaseStatut], set: { genericStatus: input.generique, isDefault, updatedAt: new Date() } })
      .returning();
    const view: PhaseMappingView = { phase: row!.phase, phaseStatut: row!.phaseStatut, generique: row!.genericStatus, isDefault: row!.isDefault };
    await writeAudit(tx, actor, {
      action: "phase_mapping.set",
      targetType: "phase_mapping",
      targetId: `${view.phase} / ${view.phaseStatut}`,
      before: before ? { generique: before.genericStatus, isDefault: before.isDefault } : null,
      after: { generique: view.generique, isDefault: view.isDefault },
    });
    return view;
  });
}
