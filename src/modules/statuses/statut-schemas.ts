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
    phases: z
      .array(
        z.object({
          phase: z.string(),
          phaseStatut: z.string(),
          generique: z.string(),
          parDefaut: z.boolean().meta({ description: "Paire montrée pour ce statut générique quand la dernière paire reçue n'y correspond plus." }),
        }),
      )
      .meta({ description: "La table de correspondance du vocabulaire de phases (`phase` et `phaseStatut` de `ProjetInput`), commune à tous les services." }),
  })
  .meta({
    id: "Statuts",
    description: "Les statuts génériques, la table de correspondance du service appelant et celle du vocabulaire de phases.",
    example: {
      generiques: [
        { code: "IDEE", libelle: "Idée" },
        { code: "EN_COURS", libelle: "En cours" },
      ],
      correspondances: [
        { libelle: "A venir", generique: "IDEE", parDefaut: true },
        { libelle: "En cours", generique: "EN_COURS", parDefaut: true },
      ],
      phases: [
        { phase: "Idée", phaseStatut: "En cours", generique: "IDEE", parDefaut: true },
        { phase: "Opération", phaseStatut: "En cours", generique: "EN_COURS", parDefaut: true },
      ],
    },
  });
export type StatutsResponse = z.infer<typeof statutsResponseSchema>;
