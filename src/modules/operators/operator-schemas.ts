import { z } from "zod";

export const operatorRoleSchema = z.enum(["admin", "lecteur"], { error: "rôle attendu : admin ou lecteur" });
export const operatorEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "adresse électronique invalide" }).max(254));

/**
 * Registers an operator or changes its role. `confirmSelfDemotion`: an admin who sets their own
 * role to lecteur must say so explicitly (the console asks in a modal; issue #11, "Safety").
 */
export const addOperatorInput = z.strictObject({
  email: operatorEmailSchema,
  role: operatorRoleSchema,
  confirmSelfDemotion: z.boolean().optional(),
});
export type AddOperatorInput = z.input<typeof addOperatorInput>;
export type OperatorView = { id: string; email: string; role: "admin" | "lecteur"; active: boolean };
