// One zod schema per concept of the projects API: the same objects validate requests, type the
// module functions and generate the OpenAPI document (src/modules/openapi).
import { z } from "zod";
import "zod-openapi";
import { normalizeStatusLabel } from "@/modules/mappings/mapping-schemas";

import { instantRangeMessage, isSaneInstant, isSaneInstantText, storableText, storableTextMessage } from "@/modules/validation/input-rules";

export { storableText };

export const externalIdSchema = z
  .string({ error: "chaîne de caractères attendue" })
  .min(1, "obligatoire (au moins 1 caractère)")
  .max(255, "au plus 255 caractères")
  .refine(storableText, storableTextMessage)
  .meta({ description: "Identifiant du projet chez le service appelant.", example: "mec-12345" });

export const emailSchema = z
  .string({ error: "adresse électronique attendue" })
  .trim()
  .max(254, "au plus 254 caractères")
  .pipe(z.email({ error: "adresse électronique invalide" }))
  .meta({ format: "email", example: "camille.dupont@mairie-exemple.fr" });

const shortText = (max: number) =>
  z.string({ error: "chaîne de caractères attendue" }).max(max, `au plus ${max} caractères`).refine(storableText, storableTextMessage);

export const porteurSchema = z
  .strictObject({
    email: emailSchema.nullable().optional(),
    nom: shortText(200).nullable().optional(),
    prenom: shortText(200).nullable().optional(),
    telephone: shortText(50).nullable().optional(),
    fonction: shortText(200).nullable().optional(),
    codeSiret: z
      .string({ error: "chaîne de caractères attendue" })
      .regex(/^\d{14}$/, "SIRET de 14 chiffres attendu")
      .nullable()
      .optional(),
  })
  .meta({
    id: "PorteurInput",
    description:
      "Porteur référent du projet. Il détient implicitement la permission WRITE. Chaque champ omis garde sa valeur enregistrée, `null` l'efface.",
    example: { email: "camille.dupont@mairie-exemple.fr", nom: "Dupont", prenom: "Camille", fonction: "Chargée de mission" },
  });

export const collectiviteSchema = z
  .strictObject({
    type: z.enum(["Commune", "EPCI"], { error: "type attendu : Commune ou EPCI" }),
    code: z
      .string({ error: "chaîne de caractères attendue" })
      .min(1, "obligatoire")
      .max(20, "au plus 20 caractères")
      .meta({ description: "Code INSEE de la commune, ou SIREN de l'EPCI." }),
  })
  .meta({ id: "Collectivite", example: { type: "Commune", code: "69123" } });

const isoDate = z
  .string({ error: "date ISO attendue (AAAA-MM-JJ)" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "date ISO attendue (AAAA-MM-JJ)")
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, "date inexistante")
  .refine((v) => isSaneInstant(new Date(`${v}T00:00:00Z`)), instantRangeMessage)
  .meta({ format: "date", example: "2026-03-01" });

const nomSchema = z
  .string({ error: "chaîne de caractères attendue" })
  .trim()
  .min(1, "obligatoire")
  .max(500, "au plus 500 caractères")
  .refine(storableText, storableTextMessage);

// The phase vocabulary of the existing Les Communs API (CONTRACT §8), accepted instead of `statut`.
export const PHASES = ["Idée", "Étude", "Opération"] as const;
export const PHASE_STATUTS = ["En cours", "En retard", "En pause", "Bloqué", "Abandonné", "Terminé"] as const;
export const DEFAULT_PHASE_STATUT = "En cours";
/** Compared after Unicode NFC and trimming, like status labels (CONTRACT §8). */
const nfcTrim = (v: unknown) => (typeof v === "string" ? v.normalize("NFC").trim() : v);

const phaseSchema = z.preprocess(nfcTrim, z.enum(PHASES, { error: `phase attendue : ${PHASES.join(", ")}` })).meta({
  description:
    "Phase du projet, vocabulaire de l'API Les Communs existante, **à la place de** `statut` (les deux : 400). Traduite en statut générique par la table de correspondance des phases ; `null` efface le statut.",
  example: "Étude",
});
const phaseStatutSchema = z.preprocess(nfcTrim, z.enum(PHASE_STATUTS, { error: `phaseStatut attendu : ${PHASE_STATUTS.join(", ")}` })).meta({
  description: "Statut dans la phase, avec `phase` seulement (« En cours » par défaut).",
  example: "En cours",
});

/** `statut` or the phase pair, not both; `phaseStatut` only with a `phase` (CONTRACT §8). */
function oneStatusVocabulary(value: { statut?: unknown; phase?: unknown; phaseStatut?: unknown }, ctx: z.RefinementCtx) {
  const phaseGiven = value.phase !== undefined || value.phaseStatut !== undefined;
  if (value.statut !== undefined && phaseGiven) {
    ctx.addIssue({ code: "custom", path: [value.phase !== undefined ? "phase" : "phaseStatut"], message: "statut ou phase/phaseStatut, pas les deux" });
  } else if (value.phaseStatut !== undefined && (value.phase === undefined || value.phase === null)) {
    ctx.addIssue({ code: "custom", path: ["phaseStatut"], message: "phaseStatut n'est admis qu'avec une phase" });
  }
}

/** Fields shared by creation and partial update. Omitted keeps the stored value, `null` clears it. */
const projetFields = {
  nom: nomSchema.meta({ example: "Rénovation énergétique de l'école Jules Ferry" }),
  description: shortText(20_000).nullable().optional(),
  statut: z
    .string({ error: "chaîne de caractères attendue" })
    .overwrite(normalizeStatusLabel)
    .min(1, "obligatoire")
    .max(200, "au plus 200 caractères")
    .refine(storableText, storableTextMessage)
    .nullable()
    .optional()
    .meta({
      description:
        "Libellé de statut **propre au service appelant** (voir `GET /api/v1/statuts`), traduit en statut générique par sa table de correspondance. Un libellé inconnu donne 422 `unknown_status`.",
      example: "Etudes pré-opérationnelles en cours",
    }),
  phase: phaseSchema.nullable().optional(),
  phaseStatut: phaseStatutSchema.optional(),
  porteur: porteurSchema.nullable().optional(),
  collectivites: z
    .array(collectiviteSchema, { error: "liste de collectivités attendue" })
    .min(1, "au moins une collectivité")
    .max(1000, "au plus 1000 collectivités"),
  budgetPrevisionnel: z
    .number({ error: "nombre entier attendu" })
    .int("nombre entier attendu (euros)")
    .min(0, "doit être positif ou nul")
    .max(Number.MAX_SAFE_INTEGER, "trop grand")
    .nullable()
    .optional()
    .meta({ description: "En euros.", example: 250000 }),
  dateDebutPrevisionnelle: isoDate.nullable().optional(),
  programme: shortText(500).nullable().optional().meta({ example: "Petites villes de demain" }),
};

export const projetInputSchema = z
  .strictObject({
    externalId: externalIdSchema,
    ...projetFields,
    nom: projetFields.nom.optional(),
    collectivites: projetFields.collectivites.optional(),
  })
  .superRefine(oneStatusVocabulary)
  .meta({
    id: "ProjetInput",
    description:
      "Projet envoyé par un service connecté. `nom` et `collectivites` sont obligatoires à la création. Un champ omis garde sa valeur, `null` l'efface. Propriété inconnue : 400.",
    example: {
      externalId: "mec-12345",
      nom: "Rénovation énergétique de l'école Jules Ferry",
      description: "Isolation et changement de chaudière.",
      statut: "Non démarré, intention",
      porteur: { email: "camille.dupont@mairie-exemple.fr", nom: "Dupont", prenom: "Camille" },
      collectivites: [{ type: "Commune", code: "69123" }],
      budgetPrevisionnel: 250000,
      dateDebutPrevisionnelle: "2026-03-01",
      programme: "Petites villes de demain",
    },
  });
export type ProjetInput = z.infer<typeof projetInputSchema>;

export const projetPatchSchema = z
  .strictObject({
    ...projetFields,
    nom: projetFields.nom.optional(),
    collectivites: projetFields.collectivites.optional(),
  })
  .superRefine(oneStatusVocabulary)
  .meta({
    id: "ProjetPatch",
    description: "Modification partielle : un champ omis garde sa valeur, `null` l'efface. `externalId` n'est pas accepté ici (voir PUT …/external-id).",
    example: { statut: "Etudes opérationnelles en cours", budgetPrevisionnel: 300000 },
  });
export type ProjetPatch = z.infer<typeof projetPatchSchema>;

export const BULK_MAX_ITEMS = 1000;
export const bulkInputSchema = z
  .strictObject({
    projets: z
      .array(z.unknown(), { error: "liste de projets attendue" })
      .min(1, "au moins un projet")
      .max(BULK_MAX_ITEMS, `au plus ${BULK_MAX_ITEMS} projets par appel`),
  })
  .meta({
    id: "ProjetsBulkInput",
    description: "De 1 à 1000 projets, traités en tout ou rien.",
    override: ({ jsonSchema }: { jsonSchema: object }) => {
      (jsonSchema as { properties: Record<string, unknown> }).properties.projets = {
        type: "array",
        minItems: 1,
        maxItems: BULK_MAX_ITEMS,
        items: { $ref: "#/components/schemas/ProjetInput" },
      };
    },
  });

export const externalIdInputSchema = z.strictObject({ externalId: externalIdSchema }).meta({ id: "ExternalIdInput" });

/**
 * A project id in any letter case (CONTRACT §8), normalised here, once, to the lower case that
 * PostgreSQL prints and that lookups in JS (maps, comparisons with stored ids) expect.
 */
export const projetIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "identifiant de projet (UUID) attendu")
  .overwrite((id) => id.toLowerCase())
  .meta({
    description: "Identifiant du projet dans le hub (UUID, accepté en majuscules comme en minuscules, renvoyé en minuscules).",
    example: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11",
  });

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export const statutViewSchema = z
  .object({
    generique: z.string().nullable().meta({ description: "Statut générique (IDEE, FAISABILITE, EN_COURS, IMPACTE, ABANDONNE, TERMINE…).", example: "FAISABILITE" }),
    service: z.string().nullable().meta({
      description:
        "Libellé propre au lecteur : son dernier libellé s'il correspond encore au statut générique, sinon son libellé par défaut pour ce statut, sinon null.",
      example: "Etudes pré-opérationnelles en cours",
    }),
  })
  .meta({ id: "Statut" });

export const porteurViewSchema = z
  .object({
    email: z.string().nullable(),
    nom: z.string().nullable(),
    prenom: z.string().nullable(),
    telephone: z.string().nullable(),
    fonction: z.string().nullable(),
    codeSiret: z.string().nullable(),
  })
  .meta({ id: "Porteur" });

export const projetSchema = z
  .object({
    id: projetIdSchema,
    version: z.number().int().min(1).meta({ description: "+1 à chaque changement visible des autres services (1 à la création).", example: 3 }),
    createdAt: z.string().meta({ format: "date-time", example: "2026-01-15T09:30:00.000Z" }),
    updatedAt: z.string().meta({ format: "date-time", example: "2026-02-01T14:05:12.123Z" }),
    externalId: z.string().nullable().meta({ description: "Identifiant du projet chez le lecteur, null s'il n'est pas lié.", example: "mec-12345" }),
    nom: z.string(),
    description: z.string().nullable(),
    statut: statutViewSchema,
    phase: z.enum(PHASES).nullable().meta({
      description:
        "Le statut dans le vocabulaire de phases : la dernière paire (phase, phaseStatut) reçue pour le projet si elle correspond encore au statut générique, sinon la paire par défaut de ce statut ; null sans statut.",
      example: "Étude",
    }),
    phaseStatut: z.enum(PHASE_STATUTS).nullable().meta({ example: "En cours" }),
    porteur: porteurViewSchema.nullable(),
    collectivites: z.array(collectiviteSchema),
    budgetPrevisionnel: z.number().int().nullable(),
    dateDebutPrevisionnelle: z.string().nullable().meta({ format: "date" }),
    programme: z.string().nullable(),
    externalIds: z.record(z.string(), z.string()).meta({ example: { mec: "mec-12345", tet: "4567" } }),
    services: z.array(z.string()).meta({ description: "Slugs des services liés.", example: ["mec", "tet"] }),
  })
  .meta({ id: "Projet", description: "Un projet tel que le voit le lecteur (service appelant ou destinataire d'un webhook)." });
export type Projet = z.infer<typeof projetSchema>;

export const upsertResultSchema = z
  .object({ id: projetIdSchema, version: z.number().int().min(1), created: z.boolean() })
  .meta({ id: "UpsertResult", example: { id: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", version: 1, created: true } });

/** `POST /projets` answers 201 with `created: true` and 200 with `created: false` (issue #13 part 4). */
export const createdResultSchema = upsertResultSchema
  .extend({ created: z.literal(true) })
  .meta({ id: "UpsertResultCreated", example: { id: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", version: 1, created: true } });
export const updatedResultSchema = upsertResultSchema
  .extend({ created: z.literal(false) })
  .meta({ id: "UpsertResultUpdated", example: { id: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", version: 2, created: false } });

export const bulkResultSchema = z.object({ results: z.array(upsertResultSchema) }).meta({ id: "ProjetsBulkResult" });

export const versionResultSchema = z
  .object({ id: projetIdSchema, version: z.number().int().min(1) })
  .meta({ id: "VersionResult", example: { id: "0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", version: 4 } });

export const listQuerySchema = z.strictObject({
  updatedSince: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(new Date(v).getTime()), "date ISO 8601 attendue")
    .refine(isSaneInstantText, instantRangeMessage)
    .optional()
    .meta({ description: "Ne renvoie que les projets dont la modification a été validée après cet instant (même écrite juste avant : son updatedAt peut être un peu antérieur), et éventuellement quelques-uns validés peu avant ; ISO 8601 (une date seule est aussi acceptée).", example: "2026-01-01T00:00:00Z", format: "date-time" }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "Valeur `nextCursor` de la page précédente (elle porte le filtre `updatedSince` du parcours, qui n'est plus lu ensuite)." }),
  limit: z.coerce
    .number({ error: "nombre entier attendu" })
    .int("nombre entier attendu")
    .min(1, "au moins 1")
    .max(500, "au plus 500")
    .default(100)
    .meta({ description: "Taille de page (1 à 500, 100 par défaut)." }),
});

export const projetListSchema = z
  .object({ items: z.array(projetSchema), nextCursor: z.string().nullable() })
  .meta({ id: "ProjetList" });
