// The OpenAPI 3.1 document of /api/v1, generated from the very zod schemas that validate requests
// and type responses. Served at /api/v1/openapi.json and rendered as the reference page /api/docs.
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { appErrorStatus, type AppErrorCode } from "@/modules/errors/app-error";
import { erasureInputSchema, erasureResultSchema } from "@/modules/personal-data/erasure-schemas";
import {
  deletePermissionInputSchema,
  permissionQuerySchema,
  permissionSyncInputSchema,
  permissionSyncResultSchema,
  permissionViewSchema,
  setPermissionInputSchema,
  withdrawalInputSchema,
  withdrawalResultSchema,
} from "@/modules/permissions/permission-schemas";
import {
  bulkInputSchema,
  bulkResultSchema,
  createdResultSchema,
  updatedResultSchema,
  externalIdInputSchema,
  listQuerySchema,
  projetIdSchema,
  projetInputSchema,
  projetListSchema,
  projetPatchSchema,
  projetSchema,
  versionResultSchema,
} from "@/modules/projects/projet-schemas";
import { statutsResponseSchema } from "@/modules/statuses/statut-schemas";

const errorMessage = z.string().meta({ description: "Message en français, sans donnée personnelle." });

/** One envelope per error code, `details` typed for that code (issue #13 part 4). */
function envelope(code: AppErrorCode, id: string, description: string, details?: z.ZodType) {
  return z
    .object({ error: z.object({ code: z.literal(code), message: errorMessage, ...(details ? { details } : {}) }) })
    .meta({ id, description });
}

const validationIssueSchema = z
  .object({
    path: z.string().meta({ description: "Chemin du champ fautif (`projets.3.statut`, `collectivites.0.code`), nom du paramètre de requête ou de l'en-tête, ou `(corps)` pour le corps entier." }),
    message: z.string(),
  })
  .meta({ id: "ErreurValidationDetail" });
const uuidList = z.array(projetIdSchema);

const errorSchemas: Record<AppErrorCode, z.ZodType> = {
  validation_failed: envelope("validation_failed", "ErreurValidation", "400 : chaque champ ou paramètre fautif.", z.array(validationIssueSchema).min(1)),
  unauthorized: envelope("unauthorized", "ErreurNonAuthentifie", "401 : clé d'API absente, invalide ou révoquée."),
  forbidden: envelope(
    "forbidden",
    "ErreurInterdit",
    "403. `details` absent pour un seul projet ; `{indexes}` (indices du lot) sur `/projets/bulk` ; `{projets}` (identifiants triés) sur `/permissions/sync`.",
    z.union([z.object({ indexes: z.array(z.number().int().min(0)) }), z.object({ projets: uuidList })]).optional(),
  ),
  not_found: envelope("not_found", "ErreurIntrouvable", "404 : projet (ou permission) introuvable."),
  method_not_allowed: envelope("method_not_allowed", "ErreurMethode", "405 : méthode non prise en charge ; l'en-tête `Allow` liste les méthodes acceptées."),
  conflict: envelope(
    "conflict",
    "ErreurConflit",
    "409. `{projetId}` : cet externalId désigne déjà un autre projet (celui-ci) pour le service appelant ; `{externalId}` : le service est déjà lié à ce projet avec cet autre externalId.",
    z.union([z.object({ projetId: projetIdSchema }), z.object({ externalId: z.string() })]),
  ),
  payload_too_large: envelope("payload_too_large", "ErreurTropVolumineux", "413 : corps au-delà de la limite.", z.object({ maxBytes: z.number().int().min(1) })),
  unknown_status: envelope("unknown_status", "ErreurStatutInconnu", "422 : libellé (ou paire phase / phaseStatut) hors de la table de correspondance.", z.object({ accepted: z.array(z.string()) })),
  rate_limited: envelope("rate_limited", "ErreurTropDeRequetes", "429 : réessayer après `retryAfter` secondes (en-tête `Retry-After`).", z.object({ retryAfter: z.number().int().min(1) })),
  internal: envelope("internal", "ErreurInterne", "500 : erreur interne, sans détail."),
  unavailable: envelope("unavailable", "ErreurIndisponible", "503 : réessayer après `Retry-After` secondes."),
};

const errorExamples: Record<AppErrorCode, { description: string; message: string; details?: unknown }> = {
  validation_failed: {
    description: "Requête invalide : JSON mal formé, propriété inconnue, valeur hors contrainte, code de collectivité inconnu. Rien n'est écrit.",
    message: "La requête est invalide.",
    details: [{ path: "collectivites.0.code", message: "code INSEE de commune inconnu : « 99999 »" }],
  },
  unauthorized: { description: "Clé d'API absente, invalide ou révoquée.", message: "Clé d'API invalide ou révoquée." },
  forbidden: {
    description: "Service non lié au projet (écriture), ou utilisateur X-User-Email sans la permission requise.",
    message: "Le service appelant n'est pas lié à ce projet : il ne peut pas le modifier.",
  },
  not_found: { description: "Projet (ou permission) introuvable.", message: "Projet introuvable." },
  method_not_allowed: {
    description: "Méthode non prise en charge sur cette route ; l'en-tête Allow liste les méthodes acceptées.",
    message: "Méthode PUT non prise en charge sur cette route (méthodes acceptées : GET, HEAD, OPTIONS, POST).",
  },
  conflict: {
    description: "`PUT /external-id` : cet externalId désigne déjà un autre projet pour le service appelant (`details.projetId`), ou le service est déjà lié à ce projet avec un autre externalId (`details.externalId`).",
    message: "Cet externalId désigne déjà un autre projet pour le service appelant.",
    details: { projetId: "5d1c2b3a-0f9e-4d8c-8b7a-6e5f4d3c2b1a" },
  },
  payload_too_large: {
    description: "Corps au-delà de 1 Mio (20 Mio sur /bulk), mesuré sur les octets reçus.",
    message: "Le corps de la requête dépasse la limite de 1 Mio.",
    details: { maxBytes: 1048576 },
  },
  unknown_status: {
    description: "Libellé de statut absent de la table de correspondance du service appelant (hors `/projets/bulk`, où c'est un 400 à `projets.<i>.statut`). Rien n'est écrit.",
    message: "Le libellé de statut « Terminé » n'est pas dans la table de correspondance du service appelant.",
    details: { accepted: ["A venir", "A discuter", "En cours"] },
  },
  rate_limited: {
    description: "Limite de requêtes du service dépassée (par service sur les 60 dernières secondes, commune à toutes les instances, réglage RATE_LIMIT_PER_MINUTE). Réessayer après `Retry-After` secondes.",
    message: "Trop de requêtes pour ce service : réessayez après le délai indiqué par Retry-After.",
    details: { retryAfter: 2 },
  },
  unavailable: { description: "Base de données indisponible : réessayer plus tard (`Retry-After`).", message: "Le service est momentanément indisponible, réessayez dans quelques instants." },
  internal: { description: "Erreur interne, sans détail.", message: "Erreur interne du hub." },
};

const retryAfterHeader = z.string().meta({ description: "Délai en secondes avant de réessayer.", example: "2" });

function errorResponse(code: AppErrorCode): ZodOpenApiResponseObject {
  const { description, message, details } = errorExamples[code];
  return {
    description: `\`${code}\` — ${description}`,
    ...(code === "rate_limited" || code === "unavailable" ? { headers: z.object({ "Retry-After": retryAfterHeader }) } : {}),
    content: {
      "application/json": {
        schema: errorSchemas[code],
        examples: { [code]: { value: { error: { code, message, ...(details !== undefined ? { details } : {}) } } } },
      },
    },
  };
}

/** Every error an authenticated route can return, plus the route-specific ones. */
function errors(...specific: AppErrorCode[]): Record<string, ZodOpenApiResponseObject> {
  const codes: AppErrorCode[] = ["validation_failed", "unauthorized", ...specific, "rate_limited", "internal", "unavailable"];
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const code of codes) {
    const status = String(appErrorStatus[code]);
    // 400 covers both malformed requests and, for writes, the body's own validation.
    if (!responses[status]) responses[status] = errorResponse(code);
  }
  return responses;
}

const json = (schema: z.ZodType, description: string): ZodOpenApiResponseObject => ({
  description,
  content: { "application/json": { schema } },
});

const body = (schema: z.ZodType, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { "application/json": { schema } },
});

/** The one `X-User-Email` parameter, a component shared by every operation that reads it. */
const userEmailParam = z
  .string()
  .max(254)
  .optional()
  .meta({
    description:
      "Utilisateur pour le compte duquel le service agit. Le hub vérifie sa permission sur le projet : READ pour lire, WRITE pour écrire (WRITE implique READ). Absent : l'appel agit au nom du service. Une adresse invalide donne 400 (`path: \"X-User-Email\"`).",
    example: "camille.dupont@mairie-exemple.fr",
    format: "email",
    param: { id: "XUserEmail" },
  });
const userHeader = z.object({ "X-User-Email": userEmailParam });

const idPath = z.object({ id: projetIdSchema });

// Webhooks (CONTRACT §5 and §8): the body and the Standard Webhooks headers every receiver gets.
const webhookHeaders = z.object({
  "webhook-id": z.string().meta({ description: "Identifiant de l'événement, stable entre les nouvelles tentatives et les rejeux : dédoublonner sur lui.", example: "msg_01JDQ8Z6Q3V9K2M4N5P6R7S8T9" }),
  "webhook-timestamp": z.string().meta({ description: "Instant de l'envoi, en secondes Unix (refuser s'il s'écarte de plus de 5 minutes).", example: "1767225600" }),
  "webhook-signature": z.string().meta({
    description: "`v1,<base64 HMAC-SHA256 de \"id.timestamp.corps\">`, une par secret actif, séparées par des espaces (rotation). Vérifiable par toute bibliothèque Standard Webhooks.",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});
const eventId = z.string().meta({ description: "Identifiant de l'événement (le même que `webhook-id`).", example: "msg_01JDQ8Z6Q3V9K2M4N5P6R7S8T9" });
const eventCreatedAt = z.iso.datetime({ offset: true }).meta({ description: "Instant de l'événement (heure de la base de données à l'écriture)." });
const projectEventData = z.object({
  projet: projetSchema,
  auteur: z.string().meta({ description: "Slug du service auteur du changement.", example: "mec" }),
  changements: z.array(z.string()).meta({ description: "Noms des champs changés (`statut` couvre aussi `phase` et `phaseStatut`).", example: ["nom", "statut"] }),
  horsPerimetre: z.literal(true).optional().meta({ description: "Présent sur le dernier `projet.modifie` d'un projet qui sort du périmètre (territoires) de l'abonnement." }),
});
const projetCreeEvent = z
  .object({ id: eventId, type: z.literal("projet.cree"), createdAt: eventCreatedAt, data: projectEventData })
  .meta({ id: "EvenementProjetCree", description: "Un projet créé par un autre service." });
const projetModifieEvent = z
  .object({ id: eventId, type: z.literal("projet.modifie"), createdAt: eventCreatedAt, data: projectEventData })
  .meta({ id: "EvenementProjetModifie", description: "Un projet modifié (état complet tel que le voit le destinataire), ou entrant / sortant de son périmètre." });
const utilisateurEfaceEvent = z
  .object({
    id: eventId,
    type: z.literal("utilisateur.efface"),
    createdAt: eventCreatedAt,
    data: z.object({
      projets: z.array(projetIdSchema).meta({ description: "Projets où la personne avait une permission ou était porteur." }),
      permissionsSupprimees: z.number().int().min(0),
      projetsModifies: z.number().int().min(0),
    }),
  })
  .meta({ id: "EvenementUtilisateurEfface", description: "Une personne effacée ; aucune donnée personnelle." });

const testPingEvent = z
  .object({ id: eventId, type: z.literal("test.ping"), createdAt: eventCreatedAt, data: z.object({ message: z.string() }) })
  .meta({ id: "EvenementTest", description: "Événement de test, envoyé à la demande d'un opérateur au seul service concerné." });

function webhook(operationId: string, summary: string, description: string, schema: z.ZodType): ZodOpenApiOperationObject {
  return {
    tags: ["Webhooks"],
    operationId,
    summary,
    description,
    requestParams: { header: webhookHeaders },
    requestBody: { required: true, content: { "application/json": { schema } } },
    responses: {
      "200": { description: "Reçu : toute réponse 2xx acquitte la livraison." },
      "500": { description: "Toute autre réponse (ou aucune dans le délai) : nouvelle tentative plus tard (livraison au moins une fois)." },
    },
    security: [],
  };
}

function op(operation: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  return { security: [{ cleApi: [] }], ...operation };
}

export function buildOpenApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Les Communs — API des services connectés",
      version: "1.0.0",
      license: { name: "Licence Ouverte / Open Licence 2.0", identifier: "etalab-2.0" },
      contact: { name: "Équipe Les Communs", url: "/integration" },
      description: [
        "API par laquelle les services numériques connectés (Mon Espace Collectivité, Territoires en Transitions, Recoco, Aides-territoires…) partagent les projets des collectivités.",
        "",
        "Guide d'intégration pas à pas : [/integration](/integration).",
        "",
        "**Authentification** : `Authorization: Bearer <clé>` (une clé appartient à un service ; plusieurs clés actives possibles pendant une rotation).",
        "**Utilisateur agissant** (facultatif) : `X-User-Email`. Sans lui, le service lit tout projet et n'écrit que les projets auxquels il est lié.",
        "",
        "**Choix de conception** :",
        "- `POST /projets` est un upsert idempotent sur (service appelant, `externalId`), arbitré par l'index unique de cette clé (l'écriture perdante est rejouée et trouve le projet créé) : 20 appels identiques simultanés créent un seul projet. Une répétition identique répond 200 sans nouvelle version ni webhook.",
        "- Un champ omis garde sa valeur, `null` l'efface ; cette règle vaut aussi pour chaque champ de `porteur`. `nom` et `collectivites` ne peuvent pas être effacés.",
        "- `version` augmente de 1 à chaque changement visible des autres services (champs du projet, statut générique, liaison d'un nouveau service). Un nouveau libellé propre qui correspond au même statut générique est enregistré sans nouvelle version ni webhook. Les permissions ne changent pas la version.",
        "- Les libellés de statut sont comparés après normalisation Unicode NFC et suppression des espaces de début et de fin (un libellé envoyé en NFD correspond à son libellé NFC) ; un service ne peut pas avoir deux libellés qui ne diffèrent que par la casse, les accents ou la forme Unicode.",
        "- Les identifiants de projet (UUID) sont acceptés en majuscules comme en minuscules et renvoyés en minuscules.",
        "- `statut.service` est calculé pour chaque lecteur : son dernier libellé s'il correspond encore au statut générique, sinon son libellé par défaut, sinon null.",
        "- `/projets/bulk` est en tout ou rien : toute erreur (y compris un libellé de statut inconnu, un externalId en double dans le lot, ou `nom`/`collectivites` manquants pour une création) donne 400 avec tous les indices fautifs (`projets.<i>.…`), et rien n'est écrit.",
        "- Avec `X-User-Email`, `GET /projets` ne liste que les projets sur lesquels cette personne a une permission (ou dont elle est porteur référent). Créer un projet ne donne aucune permission implicite, hormis au porteur référent.",
        "- Liste pour resynchronisation : au cours d'un parcours par curseur, tout projet dont la modification est validée quand le parcours se termine est renvoyé au moins une fois après cette modification, et jamais deux fois dans la même `version`, quel que soit l'ordre de validation des écritures. `updatedAt` est l'heure de la base de données à l'écriture.",
        "- `PUT /projets/{id}/external-id` : répéter la même liaison répond 200 sans effet ; lier un autre `externalId` alors que le service est déjà lié au projet, ou un `externalId` déjà lié à un autre projet, répond 409.",
        "- Effacement : supprime les permissions de la personne et les coordonnées du porteur (email, nom, prénom, téléphone, fonction ; le SIRET, donnée d'entreprise, est conservé) ; chaque projet touché reçoit une nouvelle version et un webhook `projet.modifie` ; un webhook `utilisateur.efface` donne les identifiants des projets concernés, sans donnée personnelle. Un second appel ne trouve plus rien et n'émet rien.",
        "- Vocabulaire de phases (celui de l'API Les Communs existante) : `phase` (Idée, Étude, Opération) et `phaseStatut` (En cours, En retard, En pause, Bloqué, Abandonné, Terminé ; « En cours » par défaut) s'envoient **à la place de** `statut` (les deux : 400) et sont traduits en statut générique par une table de correspondance (des données, modifiables comme les correspondances de statuts). Tout `Projet` (réponses et webhooks) porte `phase` et `phaseStatut` à côté de `statut` : la dernière paire reçue pour le projet si elle correspond encore au statut générique, sinon la paire par défaut de ce statut (IDEE → Idée/En cours, FAISABILITE → Étude/En cours, EN_COURS → Opération/En cours, IMPACTE → Opération/En retard, ABANDONNE → Opération/Abandonné, TERMINE → Opération/Terminé). Une nouvelle paire qui change ce que montre le projet est un changement visible (nouvelle version, `statut` dans `changements`).",
        "- Abonnements des webhooks : chaque webhook reçoit les types d'événements (`evenements`) et les territoires (`territoires` : codes `reg:`, `dep:`, `epci:`, `com:`) fixés par les opérateurs, tous par défaut ; un événement de projet parvient quand l'une des collectivités du projet se trouve dans l'un des territoires. Un projet qui entre dans le périmètre arrive en `projet.modifie` avec son état complet ; un projet qui en sort reçoit un dernier `projet.modifie` avec `data.horsPerimetre: true`, puis plus rien.",
        "- Permissions : chaque permission appartient au service qui l'a donnée. Une personne a le plus haut niveau parmi les permissions qui subsistent (celles de tous les services, plus WRITE si elle est porteur référent). `PUT` et `DELETE` sur `/projets/{id}/permissions`, `/permissions/sync` et `/utilisateurs/retrait` n'agissent que sur les permissions du service appelant ; l'effacement les supprime toutes.",
        "- Adresses électroniques : seule une empreinte HMAC-SHA256 (secret serveur) de l'adresse normalisée (Unicode NFC, sans espaces autour, en minuscules) est conservée ; aucune réponse ne contient une adresse de permission ni une empreinte. Les journaux ne contiennent ni corps de requête ni adresse.",
        "- Limites : 1 Mio par requête, 20 Mio sur `/bulk` (1000 projets au plus), 8 Mio sur `/permissions/sync` (10 000 entrées au plus) ; débit par service sur les 60 dernières secondes (fenêtre glissante commune à toutes les instances, réglage `RATE_LIMIT_PER_MINUTE`, 6000 par minute par défaut, rafale d'une minute admise) ; au-delà 429 avec `Retry-After`.",
      ].join("\n"),
    },
    servers: [{ url: "/", description: "Ce hub" }],
    tags: [
      { name: "Projets", description: "Création, mise à jour, lecture et resynchronisation des projets." },
      { name: "Permissions", description: "Permissions READ/WRITE par personne, jamais conservées en clair." },
      { name: "Statuts", description: "Statuts génériques et table de correspondance du service." },
      { name: "Données personnelles", description: "Effacement d'une personne, retrait de ses permissions données par un service." },
      { name: "Webhooks", description: "Événements envoyés, signés, au point de réception de chaque service abonné." },
    ],
    webhooks: {
      "projet.cree": {
        post: webhook("webhookProjetCree", "Projet créé", "Envoyé aux autres services abonnés (jamais à l'auteur), dans l'ordre des versions du projet.", projetCreeEvent),
      },
      "projet.modifie": {
        post: webhook(
          "webhookProjetModifie",
          "Projet modifié",
          "Envoyé aux autres services abonnés à chaque changement visible, dans l'ordre des versions ; aussi quand le projet entre dans le périmètre d'un abonnement, et une dernière fois avec `data.horsPerimetre: true` quand il en sort.",
          projetModifieEvent,
        ),
      },
      "utilisateur.efface": {
        post: webhook("webhookUtilisateurEfface", "Personne effacée", "Envoyé à tous les services après un effacement, sans donnée personnelle.", utilisateurEfaceEvent),
      },
      "test.ping": {
        post: webhook("webhookTestPing", "Événement de test", "Envoyé depuis la console pour vérifier la réception et la signature.", testPingEvent),
      },
    },
    components: {
      securitySchemes: {
        cleApi: { type: "http", scheme: "bearer", description: "Clé d'API du service connecté (`lc_live_…`), montrée une seule fois à sa création." },
      },
    },
    paths: {
      "/api/v1/projets": {
        post: op({
          tags: ["Projets"],
          operationId: "upsertProjet",
          summary: "Créer ou mettre à jour un projet (upsert par externalId)",
          description: [
            "Upsert idempotent sur (service appelant, `externalId`) : 201 `created: true` à la création, 200 `created: false` pour une mise à jour ou une répétition identique (sans nouvelle version ni webhook).",
            "",
            "- `nom` et `collectivites` sont obligatoires à la création (400 sinon) ; ensuite un champ omis garde sa valeur, `null` l'efface (sauf `nom` et `collectivites`).",
            "- Une propriété inconnue donne 400 ; un code de collectivité inconnu donne 400 qui le nomme.",
            "- Un libellé de statut (ou une paire `phase`/`phaseStatut`) absent de la table du service donne **422 `unknown_status`** avec `details.accepted` ; `statut` et `phase` ensemble : 400.",
            "- Mettre à jour un projet existant avec `X-User-Email` demande WRITE à cette personne (403 sinon). Rien n'est écrit en cas d'erreur.",
          ].join("\n"),
          requestParams: { header: userHeader },
          requestBody: body(projetInputSchema),
          responses: {
            "201": json(createdResultSchema, "Projet créé (`created: true`)."),
            "200": json(updatedResultSchema, "Projet existant mis à jour, ou répétition identique sans effet (`created: false`)."),
            ...errors("forbidden", "unknown_status", "payload_too_large"),
          },
        }),
        get: op({
          tags: ["Projets"],
          operationId: "listProjets",
          summary: "Lister les projets (resynchronisation)",
          description: [
            "Parcours de resynchronisation, page par page : suivre `nextCursor` (opaque ; il porte le filtre `updatedSince`) jusqu'à `null`.",
            "",
            "Au cours d'un parcours, tout projet dont la modification est validée (commit) quand le parcours se termine est renvoyé au moins une fois après cette modification, et aucun n'est renvoyé deux fois dans la même `version`, quel que soit l'ordre de validation des écritures (un lot commencé avant une écriture isolée mais validé après elle n'est pas sauté).",
            "Les projets sont rangés dans l'ordre des transactions qui les ont écrits, puis par `id` ; une page s'arrête avant toute écriture encore en cours dans la base du hub : elle peut être vide avec un `nextCursor` non nul (reprendre un instant plus tard). Seul un parcours où il ne reste rien de visible se termine par `nextCursor: null`.",
            "`updatedAt` est l'heure de la base de données à l'écriture, la même que dans les webhooks. Un curseur d'un format antérieur est refusé (400).",
            "",
            "Un paramètre de requête inconnu est refusé : 400 avec `details[].path` égal au nom du paramètre. Avec `X-User-Email`, seuls les projets sur lesquels la personne a une permission (ou dont elle est porteur référent) sont listés.",
          ].join("\n"),
          requestParams: { query: listQuerySchema, header: userHeader },
          responses: { "200": json(projetListSchema, "Une page de projets."), ...errors() },
        }),
      },
      "/api/v1/projets/bulk": {
        post: op({
          tags: ["Projets"],
          operationId: "upsertProjetsBulk",
          summary: "Créer ou mettre à jour jusqu'à 1000 projets, en tout ou rien",
          description: [
            "Mêmes règles que `POST /projets` pour chaque élément, en **tout ou rien** : si un élément est invalide, rien n'est écrit.",
            "",
            "- Toute erreur d'élément donne **400 `validation_failed`** listant les chemins fautifs `projets.<i>.…` de tous les éléments : champ invalide, propriété inconnue, code de collectivité inconnu, `externalId` en double dans le lot, et aussi un **libellé de statut inconnu** (`projets.<i>.statut`, message listant les libellés acceptés) ou une paire de phase inconnue (`projets.<i>.phase`) — pas de 422 sur ce point d'accès.",
            "- `nom`/`collectivites` manquants pour une création (`projets.<i>.nom`) sont vérifiés ensuite, quand tout le reste du lot est valide : eux aussi donnent 400 avec tous les indices concernés.",
            "- Avec `X-User-Email`, mettre à jour un projet existant demande WRITE : sinon 403 avec `details.indexes` (indices du lot refusés).",
            "- 201 dans tous les cas de succès ; chaque résultat dit `created` ; les résultats suivent l'ordre du lot.",
          ].join("\n"),
          requestParams: { header: userHeader },
          requestBody: body(bulkInputSchema),
          responses: {
            "201": json(bulkResultSchema, "Résultats dans l'ordre des projets envoyés."),
            ...errors("forbidden", "payload_too_large"),
          },
        }),
      },
      "/api/v1/projets/{id}": {
        get: op({
          tags: ["Projets"],
          operationId: "getProjet",
          summary: "Lire un projet",
          description: "Tout service lit tout projet ; avec `X-User-Email`, la personne doit avoir READ (403 sinon). Identifiant accepté en majuscules ou minuscules.",
          requestParams: { path: idPath, header: userHeader },
          responses: { "200": json(projetSchema, "Le projet vu par le service appelant."), ...errors("forbidden", "not_found") },
        }),
        patch: op({
          tags: ["Projets"],
          operationId: "patchProjet",
          summary: "Modifier partiellement un projet",
          description:
            "Réservé aux services liés au projet (403 sinon ; et, avec X-User-Email, à une personne ayant WRITE). Un champ omis garde sa valeur, `null` l'efface (sauf `nom` et `collectivites`, 400) ; `externalId` ne se modifie pas ici (400). Libellé de statut inconnu : 422 `unknown_status`. Sans changement visible : 200 avec la même version.",
          requestParams: { path: idPath, header: userHeader },
          requestBody: body(projetPatchSchema),
          responses: {
            "200": json(versionResultSchema, "Projet modifié (ou inchangé : même version)."),
            ...errors("forbidden", "not_found", "unknown_status", "payload_too_large"),
          },
        }),
      },
      "/api/v1/projets/{id}/external-id": {
        put: op({
          tags: ["Projets"],
          operationId: "linkExternalId",
          summary: "Lier l'identifiant du service appelant à un projet existant",
          description:
            "Répéter la même liaison répond 200 sans effet. Deux cas de **409 `conflict`** : l'`externalId` désigne déjà un autre projet pour le service appelant (`details.projetId`), ou le service est déjà lié à ce projet avec un autre `externalId` (`details.externalId`).",
          requestParams: { path: idPath, header: userHeader },
          requestBody: body(externalIdInputSchema),
          responses: {
            "200": json(versionResultSchema, "Projet lié (nouvelle version), ou déjà lié avec cet identifiant."),
            ...errors("forbidden", "not_found", "conflict", "payload_too_large"),
          },
        }),
      },
      "/api/v1/projets/{id}/permissions": {
        put: op({
          tags: ["Permissions"],
          operationId: "setPermission",
          summary: "Donner ou changer la permission d'une personne",
          description:
            "Réservé aux services liés au projet. Crée ou change la permission **du service appelant** ; la personne a le plus haut niveau parmi les permissions données par tous les services.",
          requestParams: { path: idPath, header: userHeader },
          requestBody: body(setPermissionInputSchema),
          responses: { "200": json(permissionViewSchema, "Permission enregistrée."), ...errors("forbidden", "not_found", "payload_too_large") },
        }),
        delete: op({
          tags: ["Permissions"],
          operationId: "deletePermission",
          summary: "Retirer la permission donnée par le service appelant à une personne",
          description:
            "Supprime la permission **du service appelant** ; celle qu'un autre service a donnée à la même personne reste (la personne garde alors ce niveau). 204 aussi quand il n'y avait rien à retirer.",
          requestParams: { path: idPath, header: userHeader },
          requestBody: body(deletePermissionInputSchema),
          responses: { "204": { description: "Permission retirée (ou absente)." }, ...errors("forbidden", "not_found", "payload_too_large") },
        }),
        get: op({
          tags: ["Permissions"],
          operationId: "getPermission",
          summary: "Lire le niveau d'une personne",
          description:
            "Le plus haut niveau parmi les permissions données par tous les services ; le porteur référent a WRITE implicitement. 404 si la personne n'a aucune permission.",
          requestParams: { path: idPath, query: permissionQuerySchema, header: userHeader },
          responses: { "200": json(permissionViewSchema, "Niveau de la personne."), ...errors("forbidden", "not_found") },
        }),
      },
      "/api/v1/permissions/sync": {
        post: op({
          tags: ["Permissions"],
          operationId: "syncPermissions",
          summary: "Donner et retirer jusqu'à 10 000 permissions en un appel, en tout ou rien",
          description: [
            "Chaque entrée agit sur la permission **du service appelant** pour (projet, personne) : `accorder` la crée ou change son niveau, `retirer` la supprime (sans effet si elle est absente). Les permissions données par d'autres services ne changent pas.",
            "",
            "- De 1 à 10 000 entrées en tout ; une même personne (adresse comparée sans espaces ni casse) au plus une fois par projet sur les deux listes ; identifiants de projet acceptés en majuscules ou minuscules.",
            "- Tout ou rien : la moindre entrée invalide donne 400 `validation_failed` avec **tous** les chemins fautifs (`accorder.12.email`, `retirer.3.projetId`…) ; un projet auquel le service n'est pas lié (ou inconnu) donne 403 `forbidden` avec `details.projets` (identifiants, triés) ; avec `X-User-Email`, la personne agissante doit avoir WRITE sur chaque projet (sinon 403 et `details.projets`). Dans tous ces cas rien n'est écrit.",
            "- Idempotent : répéter l'appel donne la même réponse et le même état. `accordees` et `retirees` comptent les entrées appliquées de chaque liste.",
            "- Corps limité à 8 Mio (10 000 entrées avec des adresses de 254 caractères tiennent en 4 Mio).",
          ].join("\n"),
          requestParams: { header: userHeader },
          requestBody: body(permissionSyncInputSchema),
          responses: {
            "200": json(permissionSyncResultSchema, "Toutes les entrées sont appliquées."),
            ...errors("forbidden", "payload_too_large"),
          },
        }),
      },
      "/api/v1/utilisateurs/retrait": {
        post: op({
          tags: ["Données personnelles"],
          operationId: "withdrawUser",
          summary: "Retirer toutes les permissions données par le service appelant à une personne",
          description:
            "Pour une personne qui quitte le service (fin de licence) : supprime chaque permission que **le service appelant** lui a donnée, sur tous les projets, et seulement celles-là (les permissions données par d'autres services et le WRITE implicite du porteur référent restent). Ce n'est pas un effacement : aucun projet ne change, aucun webhook n'est envoyé. Idempotent : un second appel répond `permissionsSupprimees: 0`.",
          requestBody: body(withdrawalInputSchema),
          responses: { "200": json(withdrawalResultSchema, "Permissions du service appelant supprimées."), ...errors("payload_too_large") },
        }),
      },
      "/api/v1/utilisateurs/effacement": {
        post: op({
          tags: ["Données personnelles"],
          operationId: "eraseUser",
          summary: "Effacer une personne partout",
          description:
            "Supprime toutes les permissions de la personne (données par tous les services) et ses coordonnées de porteur (le SIRET reste) ; chaque projet touché reçoit une nouvelle version et un webhook `projet.modifie`, puis un webhook `utilisateur.efface` donne les projets concernés, sans donnée personnelle. Idempotent : un second appel ne trouve plus rien et n'émet rien.",
          requestBody: body(erasureInputSchema),
          responses: { "200": json(erasureResultSchema, "Effacement fait (idempotent)."), ...errors("payload_too_large") },
        }),
      },
      "/api/v1/statuts": {
        get: op({
          tags: ["Statuts"],
          operationId: "listStatuts",
          summary: "Statuts génériques et correspondances du service appelant",
          description: "Les libellés acceptés par `statut` pour le service appelant, et les paires de phase acceptées.",
          responses: { "200": json(statutsResponseSchema, "Statuts et correspondances."), ...errors() },
        }),
      },
      "/api/v1/openapi.json": {
        get: {
          tags: ["Statuts"],
          operationId: "getOpenApi",
          summary: "Ce document OpenAPI (public)",
          description: "Public, sans clé d'API ; mis en cache au plus cinq minutes (`Cache-Control: public, max-age=300`).",
          security: [],
          responses: { "200": { description: "Document OpenAPI 3.1.", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } } },
        },
      },
    },
  });
}
