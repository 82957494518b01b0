import { z } from "zod";
import "zod-openapi";
import { emailSchema, projetIdSchema } from "@/modules/projects/projet-schemas";

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

// ---------------------------------------------------------------------------------------------
// Bulk sync and withdrawal (CONTRACT §8)
// ---------------------------------------------------------------------------------------------

/** At most this many entries (accorder + retirer) per sync call. */
export const PERMISSION_SYNC_MAX_ENTRIES = 10_000;

const exampleProjetId = "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11";

export const permissionGrantSchema = z
  .strictObject({ projetId: projetIdSchema, email: emailSchema, niveau: niveauSchema })
  .meta({ id: "PermissionAccord", example: { projetId: exampleProjetId, email: "camille.dupont@mairie-exemple.fr", niveau: "WRITE" } });

export const permissionRevokeSchema = z
  .strictObject({ projetId: projetIdSchema, email: emailSchema })
  .meta({ id: "PermissionRetrait", example: { projetId: exampleProjetId, email: "ancien.agent@mairie-exemple.fr" } });

export const permissionSyncInputSchema = z
  .strictObject({
    accorder: z.array(permissionGrantSchema, { error: "liste attendue" }).max(PERMISSION_SYNC_MAX_ENTRIES).optional().meta({
      description: "Permissions à donner (ou à changer) au nom du service appelant.",
    }),
    retirer: z.array(permissionRevokeSchema, { error: "liste attendue" }).max(PERMISSION_SYNC_MAX_ENTRIES).optional().meta({
      description: "Permissions du service appelant à retirer (sans effet si absentes).",
    }),
  })
  .superRefine((value, ctx) => {
    const total = (value.accorder?.length ?? 0) + (value.retirer?.length ?? 0);
    if (total < 1 || total > PERMISSION_SYNC_MAX_ENTRIES) {
      ctx.addIssue({ code: "custom", path: [], message: `de 1 à ${PERMISSION_SYNC_MAX_ENTRIES} entrées en tout (accorder et retirer)` });
    }
  })
  .meta({
    id: "PermissionsSyncInput",
    description:
      "De 1 à 10 000 entrées en tout, traitées en tout ou rien. Une même personne (adresse comparée sans espaces ni casse) ne peut figurer qu'une fois par projet dans l'ensemble des deux listes.",
    example: {
      accorder: [{ projetId: exampleProjetId, email: "camille.dupont@mairie-exemple.fr", niveau: "WRITE" }],
      retirer: [{ projetId: exampleProjetId, email: "ancien.agent@mairie-exemple.fr" }],
    },
  });
export type PermissionSyncInput = z.infer<typeof permissionSyncInputSchema>;

export const permissionSyncResultSchema = z
  .object({
    accordees: z.number().int().min(0).meta({
      description: "Entrées de `accorder` appliquées : chacune de ces permissions est désormais en place au niveau demandé.",
    }),
    retirees: z.number().int().min(0).meta({
      description: "Entrées de `retirer` appliquées : aucune de ces permissions du service appelant ne subsiste.",
    }),
  })
  .meta({ id: "PermissionsSyncResult", example: { accordees: 1, retirees: 1 } });

export const withdrawalInputSchema = z
  .strictObject({ email: emailSchema })
  .meta({ id: "RetraitInput", example: { email: "ancien.agent@mairie-exemple.fr" } });

export const withdrawalResultSchema = z
  .object({
    permissionsSupprimees: z.number().int().min(0).meta({ description: "Permissions données par le service appelant à cette personne, supprimées." }),
  })
  .meta({ id: "RetraitResult", example: { permissionsSupprimees: 3 } });
