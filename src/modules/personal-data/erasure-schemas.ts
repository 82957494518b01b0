import { z } from "zod";
import "zod-openapi";
import { emailSchema } from "@/modules/projects/projet-schemas";

export const erasureInputSchema = z
  .strictObject({ email: emailSchema })
  .meta({ id: "EffacementInput", example: { email: "camille.dupont@mairie-exemple.fr" } });

export const erasureResultSchema = z
  .object({
    permissionsSupprimees: z.number().int().min(0).meta({ description: "Permissions supprimées." }),
    projetsModifies: z.number().int().min(0).meta({ description: "Projets dont le porteur a été effacé (version +1, webhook projet.modifie)." }),
  })
  .meta({ id: "EffacementResult", example: { permissionsSupprimees: 2, projetsModifies: 1 } });
