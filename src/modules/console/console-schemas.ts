// Inputs of the console's read models and operator actions (shared by tRPC procedures and forms).
import { z } from "zod";
import { deliveryStates } from "@/db/schema";
import { isoInstantSchema, storableString } from "@/modules/validation/input-rules";
import { projectIdFilterSchema } from "./project-id-filter";
import { operatorEmailSchema, operatorRoleSchema } from "@/modules/operators/operator-schemas";


// A filter date typed in the console: one clear message on the field, whichever rule it breaks
// (the union of date and date-time would say "entrée invalide").
const filterDate = z.string().refine((value) => isoInstantSchema.safeParse(value).success, {
  error: "date invalide : une date du calendrier est attendue (AAAA-MM-JJ), entre 1900 et 9999",
});

const deliveryFilterFields = z.strictObject({
  serviceId: z.uuid({ error: "identifiant de service invalide" }).optional(),
  state: z.enum(deliveryStates).optional(),
  eventType: storableString(z.string().trim().min(1).max(100)).optional(),
  projectId: projectIdFilterSchema.optional(),
  since: filterDate.optional(),
  until: filterDate.optional(),
});

/** Start of `since` and end of `until` (a bare date means the whole of that day, UTC). */
export function filterRange(filter: { since?: string; until?: string }): { since?: Date; until?: Date } {
  return { since: filter.since ? new Date(filter.since) : undefined, until: filter.until ? endOfDayIfDate(filter.until) : undefined };
}

/** A bare date as the upper bound of a filter means "until the end of that day". */
export function endOfDayIfDate(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
}

// "Depuis" after "jusqu'au" is refused on the field, never read as an empty range (issue #11).
const orderedRange = (filter: { since?: string; until?: string }, ctx: z.RefinementCtx) => {
  const { since, until } = filterRange(filter);
  if (since && until && since > until) {
    ctx.addIssue({ code: "custom", path: ["since"], message: "la date de début doit précéder la date de fin (« Jusqu'au »)" });
  }
};

export const deliveryFilterSchema = deliveryFilterFields.superRefine(orderedRange);
export type DeliveryFilter = z.infer<typeof deliveryFilterSchema>;

export const listDeliveriesInput = deliveryFilterFields
  .extend({
    /** Keyset cursor: the id of the last delivery of the previous page. */
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .superRefine(orderedRange);

export const deliveryIdInput = z.strictObject({ deliveryId: z.number().int().positive() });

export const searchProjectsInput = z.strictObject({
  query: storableString(z.string().trim().max(200)).default(""),
  cursor: storableString(z.string().max(200)).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

/** The projects export takes the list's search, without its paging. */
export const projectsExportInput = searchProjectsInput.pick({ query: true });

export const projectIdInput = z.strictObject({ projectId: z.uuid({ error: "identifiant de projet invalide" }) });

export const listAuditInput = z.strictObject({
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  action: storableString(z.string().trim().max(100)).optional(),
});

/** The audit export takes the journal's filter, without its paging. */
export const auditExportInput = listAuditInput.omit({ cursor: true, limit: true });

export const serviceIdInput = z.strictObject({ serviceId: z.uuid({ error: "identifiant de service invalide" }) });

export const setOperatorActiveInput = z.strictObject({ operatorId: z.uuid(), active: z.boolean() });
export const addOperatorFormInput = z.strictObject({ email: operatorEmailSchema, role: operatorRoleSchema });
