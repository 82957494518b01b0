// Inputs of the console's read models and operator actions (shared by tRPC procedures and forms).
import { z } from "zod";
import { deliveryStates } from "@/db/schema";
import { isoInstantSchema, storableString } from "@/modules/validation/input-rules";
import { projectIdFilterSchema } from "./project-id-filter";


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
  query: storableString(z.string().trim().max(200, "au plus 200 caractères")).default(""),
  serviceId: z.uuid({ error: "service inconnu" }).optional(),
  status: z.string().regex(/^[A-Z][A-Z_]{0,49}$/, "statut générique inconnu").optional(),
  /** INSEE code of a commune (5 characters, 2A/2B for Corsica) or SIREN of an EPCI (9 digits). */
  collectivite: z
    .string()
    .trim()
    .regex(/^(?:[0-9][0-9AB][0-9]{3}|[0-9]{9})$/, "code INSEE de commune (5 caractères) ou SIREN d'EPCI (9 chiffres) attendu")
    .optional(),
  cursor: storableString(z.string().max(200)).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export type SearchProjectsInput = z.output<typeof searchProjectsInput>;

/** The projects export takes the list's search and filters, without its paging. */
export const projectsExportInput = searchProjectsInput.omit({ cursor: true, limit: true });

export const projectIdInput = z.strictObject({ projectId: z.uuid({ error: "identifiant de projet invalide" }) });

/** A calendar day typed in a date field (YYYY-MM-DD, 1900–9999), read in Europe/Paris time. */
const parisDay = z
  .string()
  .regex(/^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, "date attendue au format AAAA-MM-JJ, entre 1900 et 9999")
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), "date inexistante");

/** Filters of the audit log (issue #11): author, service, action, days (inclusive, Paris time). */
const auditFilterFields = z.strictObject({
  action: z.string().trim().regex(/^[a-z_]+\.[a-z_]+$/, "action inconnue").optional(),
  operatorId: z.uuid({ error: "opérateur inconnu" }).optional(),
  serviceId: z.uuid({ error: "service inconnu" }).optional(),
  since: parisDay.optional(),
  until: parisDay.optional(),
});
const orderedDays = (f: { since?: string; until?: string }) => !f.since || !f.until || f.since <= f.until;
const orderedDaysError = { path: ["until"], message: "la date de fin précède la date de début" };

export const listAuditInput = auditFilterFields
  .extend({
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine(orderedDays, orderedDaysError);
export type ListAuditInput = z.output<typeof listAuditInput>;

/** The audit export takes the journal's filter, without its paging. */
export const auditExportInput = auditFilterFields.refine(orderedDays, orderedDaysError);

export const serviceIdInput = z.strictObject({ serviceId: z.uuid({ error: "identifiant de service invalide" }) });

export const setOperatorActiveInput = z.strictObject({ operatorId: z.uuid(), active: z.boolean() });
export { addOperatorInput as addOperatorFormInput } from "@/modules/operators/operator-schemas";
