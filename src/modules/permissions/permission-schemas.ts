import { z } from "zod";
import "zod-openapi";
import { emailSchema } from "@/modules/projects/projet-schemas";

export const niveauSchema = z
  .enum(["READ", "WRITE"], { error: "niveau attendu : READ ou WRITE" })
  .meta({ description: "WRITE implique READ.", example: "WRITE" });
export type Niveau = z.infer<typeof niveauSchema>;

export const setPermissionInputSchema = z
  .strictObject({ email: emailSchema, niveau: niveauSchema })
  .meta({ id: "PermissionInput", example: { email: "camille.dupont@mairie-exemple.fr", niveau: "WRITE" } });

export const deletePermissionInputSchema = z
  .strictObject({ email: emailSchema })
  .meta({ id: "PermissionDeleteInput", example: { email: "camille.dupont@mairie-exemple.fr" } });

export const permissionQuerySchema = z.strictObject({ email: emailSchema });

export const permissionViewSchema = z
  .object({ niveau: niveauSchema })
  .meta({ id: "Permission", description: "Jamais d'adresse ni d'empreinte dans une réponse.", example: { niveau: "READ" } });
