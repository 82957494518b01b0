// Inputs of the console's read models and operator actions (shared by tRPC procedures and forms).
import { z } from "zod";
import { deliveryStates } from "@/db/schema";
import { isoInstantSchema, storableString } from "@/modules/validation/input-rules";
import { operatorEmailSchema, operatorRoleSchema } from "@/modules/operators/operator-schemas";

const isoDate = isoInstantSchema;

export const deliveryFilterSchema = z.strictObject({
  serviceId: z.uuid({ error: "identifiant de service invalide" }).optional(),
  state: z.enum(deliveryStates).optional(),
  eventType: storableString(z.string().trim().min(1).max(100)).optional(),
  projectId: z.uuid({ error: "identifiant de projet invalide" }).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
});
export type DeliveryFilter = z.infer<typeof deliveryFilterSchema>;

export const listDeliveriesInput = deliveryFilterSchema.extend({
  /** Keyset cursor: the id of the last delivery of the previous page. */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const deliveryIdInput = z.strictObject({ deliveryId: z.number().int().positive() });

export const searchProjectsInput = z.strictObject({
  query: storableString(z.string().trim().max(200)).default(""),
  cursor: storableString(z.string().max(200)).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const projectIdInput = z.strictObject({ projectId: z.uuid({ error: "identifiant de projet invalide" }) });

export const listAuditInput = z.strictObject({
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  action: storableString(z.string().trim().max(100)).optional(),
  /** Entries about one connected service (its agents' actions among them: issue #12). */
  serviceId: z.uuid({ error: "identifiant de service invalide" }).optional(),
});

export const serviceIdInput = z.strictObject({ serviceId: z.uuid({ error: "identifiant de service invalide" }) });

export const setOperatorActiveInput = z.strictObject({ operatorId: z.uuid(), active: z.boolean() });
export const addOperatorFormInput = z.strictObject({ email: operatorEmailSchema, role: operatorRoleSchema });
