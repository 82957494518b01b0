import { z } from "zod";
import { storableString } from "@/modules/validation/input-rules";
import { serviceSlugSchema } from "@/modules/services/service-schemas";

/**
 * A status label as compared and stored everywhere (CONTRACT §8): Unicode NFC, trimmed. A label typed
 * decomposed (NFD, as some keyboards and systems send "é") is then the same label as its NFC form.
 */
export const normalizeStatusLabel = (label: string) => label.normalize("NFC").trim();

export const statusLabelSchema = storableString(z.string()).overwrite(normalizeStatusLabel).min(1, "obligatoire").max(200, "au plus 200 caractères");
export const genericStatusCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z_]*$/, "code de statut générique en majuscules (ex. EN_COURS)");

export const setMappingInput = z.strictObject({
  service: serviceSlugSchema,
  label: statusLabelSchema,
  generique: genericStatusCodeSchema,
  isDefault: z.boolean().default(false),
});
export type SetMappingInput = z.input<typeof setMappingInput>;

export type MappingView = {
  id: string;
  service: string;
  label: string;
  generique: string;
  isDefault: boolean;
  /** The label that stopped being the default of this generic status because of this change, if any. */
  replacedDefault?: string | null;
};

/**
 * Deleting one of a service's labels (issue #11). `moveTo`: another label of the same generic status
 * that the projects still using the deleted one take instead (and that becomes the default if the
 * deleted one was).
 */
export const deleteMappingInput = z.strictObject({
  service: serviceSlugSchema,
  label: statusLabelSchema,
  moveTo: statusLabelSchema.optional(),
});
export type DeleteMappingInput = z.input<typeof deleteMappingInput>;
export type DeletedMappingView = {
  service: string;
  label: string;
  generique: string;
  /** Links (projects) whose last label was the deleted one and now carry `moveTo`. */
  movedProjects: number;
  /** The label that became the default of the generic status in place of the deleted one, if any. */
  newDefault: string | null;
};
