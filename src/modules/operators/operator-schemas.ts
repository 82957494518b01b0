import { z } from "zod";

export const operatorRoleSchema = z.enum(["admin", "lecteur"], { error: "rôle attendu : admin ou lecteur" });
export const operatorEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "adresse électronique invalide" }).max(254));

export const addOperatorInput = z.strictObject({ email: operatorEmailSchema, role: operatorRoleSchema });
export type AddOperatorInput = z.input<typeof addOperatorInput>;
export type OperatorView = { id: string; email: string; role: "admin" | "lecteur"; active: boolean };
