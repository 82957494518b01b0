import { z } from "zod";
import { storableString, storableText, storableTextMessage } from "@/modules/validation/input-rules";

export const serviceSlugSchema = z
  .string()
  .trim()
  .min(2, "au moins 2 caractères")
  .max(50, "au plus 50 caractères")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "minuscules, chiffres et tirets uniquement (ex. « mon-service »)");

export const serviceNomSchema = storableString(z.string().trim().min(1, "obligatoire").max(200, "au plus 200 caractères"));

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000, "au plus 2000 caractères")
  .refine(storableText, storableTextMessage)
  .pipe(z.url({ protocol: /^https?$/, error: "URL http(s) invalide" }));

export const createServiceInput = z.strictObject({
  slug: serviceSlugSchema,
  nom: serviceNomSchema,
  webhookUrl: webhookUrlSchema.optional(),
});
export type CreateServiceInput = z.infer<typeof createServiceInput>;

export const updateServiceInput = z.strictObject({
  slug: serviceSlugSchema,
  nom: serviceNomSchema.optional(),
  webhookUrl: webhookUrlSchema.optional(),
  enabled: z.boolean().optional(),
  /** Subscribed event types; null resets to all (CONTRACT §8 "Subscriptions"). Checked by updateService. */
  evenements: z.array(z.string().max(64)).min(1).max(16).nullable().optional(),
  /** Subscribed territories (`reg:84`, `dep:69`, `epci:…`, `com:…`); null resets to all. */
  territoires: z.array(z.string().max(32)).min(1).max(2000).nullable().optional(),
});
export type UpdateServiceInput = z.infer<typeof updateServiceInput>;

/** A webhook endpoint's state as the CLI and the console show it (CONTRACT §8). */
export type EndpointView = {
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  heldChanges: number;
  /** Since when it has failed without a success (ISO-8601), null while healthy. */
  failingSince: string | null;
  /** Last delivered attempt (ISO-8601), null before the first. */
  lastSuccessAt: string | null;
  /** Subscribed event types, null = all (CONTRACT §8 "Subscriptions"). */
  evenements: string[] | null;
  /** Subscribed territories, null = all. */
  territoires: string[] | null;
};

/** What the hub shows of a service (never a key or a secret). */
export type ServiceView = { id: string; slug: string; nom: string; enabled: boolean; webhookUrl: string | null; endpoint: EndpointView | null };
