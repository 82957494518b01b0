import { z } from "zod";
import "zod-openapi";

export const statutsResponseSchema = z
  .object({
    generiques: z.array(z.object({ code: z.string(), libelle: z.string() })),
    correspondances: z.array(
      z.object({
        libelle: z.string().meta({ description: "Libellé propre au service appelant." }),
        generique: z.string(),
        parDefaut: z.boolean().meta({ description: "Libellé utilisé pour traduire ce statut générique vers le service." }),
      }),
    ),
  })
  .meta({
    id: "Statuts",
    description: "Les statuts génériques et la table de correspondance du service appelant.",
    example: {
      generiques: [
        { code: "IDEE", libelle: "Idée" },
        { code: "EN_COURS", libelle: "En cours" },
      ],
      correspondances: [
        { libelle: "A venir", generique: "IDEE", parDefaut: true },
        { libelle: "En cours", generique: "EN_COURS", parDefaut: true },
      ],
    },
  });
export type StatutsResponse = z.infer<typeof statutsResponseSchema>;
