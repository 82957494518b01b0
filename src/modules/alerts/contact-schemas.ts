// One zod schema per concept of the services' technical contacts (issue #11), shared by the CLI,
// tRPC and the console form.
import { z } from "zod";
import { operatorEmailSchema } from "@/modules/operators/operator-schemas";
import { serviceSlugSchema } from "@/modules/services/service-schemas";

/** Same normalisation as operators' and agents' emails (trimmed, lower case). */
export const contactEmailSchema = operatorEmailSchema;

export const setServiceContactsInput = z.strictObject({
  service: serviceSlugSchema,
  ajouter: z.array(contactEmailSchema).max(50).default([]),
  retirer: z.array(contactEmailSchema).max(50).default([]),
});
export type SetServiceContactsInput = z.input<typeof setServiceContactsInput>;

export type ServiceContact = { id: string; email: string };
