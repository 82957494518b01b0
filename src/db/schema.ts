// The hub's whole data model. One schema shared by both drivers (postgres-js and PGlite);
// migrations in drizzle/ are generated from this file with `npm run db:generate`.
import { sql, type SQL } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const ts = <N extends string>(name: N) => timestamp(name, { withTimezone: true, mode: "date" });

// ---------------------------------------------------------------------------------------------
// Reference data and connected services
// ---------------------------------------------------------------------------------------------

/** Generic statuses are data, not an enum: the ecosystem is still defining them. */
export const genericStatuses = pgTable("generic_statuses", {
  code: text("code").primaryKey(),
  libelle: text("libelle").notNull(),
  position: integer("position").notNull(),
});

/**
 * One row whose version moves (by triggers, in the same transaction) whenever services or status
 * mappings change: read with each API key, it tells every hub process whether its in-process
 * status catalog is still current, without a query for the catalog itself.
 */
export const catalogVersion = pgTable("catalog_version", {
  id: boolean("id").primaryKey().default(true),
  version: bigint("version", { mode: "number" }).notNull(),
});

export const services = pgTable("services", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  nom: text("nom").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    /** Visible, non-secret part of the key (e.g. `lc_live_3fa9c2d1`), used to find the row. */
    prefix: text("prefix").notNull().unique(),
    /** SHA-256 (hex) of the whole key; the key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_keys_service_idx").on(t.serviceId)],
);

/**
 * The look-alike key of a status label (SQL text): without case, accents (combining marks after
 * NFKD) or surrounding spaces. Stored by `status_mappings.label_key`, compared by set-mapping.ts.
 */
export function statusLabelKey(label: SQL): SQL {
  return sql`lower(regexp_replace(normalize(${label}, NFKD), '^\\s+|\\s+$|[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]', '', 'g'))`;
}

export const statusMappings = pgTable(
  "status_mappings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    /** NFC, trimmed (mapping-schemas.ts). */
    label: text("label").notNull(),
    /**
     * What look-alike labels share: the label without case, accents (combining marks after NFKD) or
     * surrounding spaces. Computed by the database, so that one rule serves the check and the index.
     */
    labelKey: text("label_key").notNull().generatedAlwaysAs(statusLabelKey(sql`label`)),
    genericStatus: text("generic_status")
      .notNull()
      .references(() => genericStatuses.code),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("status_mappings_service_label_uq").on(t.serviceId, t.label),
    // A service cannot hold two labels that differ only by case, accents or Unicode form (CONTRACT §8).
    uniqueIndex("status_mappings_service_label_key_uq").on(t.serviceId, t.labelKey),
    // At most one default label per (service, generic status): the translation back must be unambiguous.
    uniqueIndex("status_mappings_one_default_uq")
      .on(t.serviceId, t.genericStatus)
      .where(sql`${t.isDefault}`),
  ],
);

/**
 * The phase vocabulary of the existing Les Communs API (CONTRACT §8): each (phase, phaseStatut) pair
 * maps to one generic status, and one pair per generic status is the default used to translate
 * back. Data like the status mappings (seeded by migration, moves `catalog_version` by trigger).
 */
export const phaseMappings = pgTable(
  "phase_mappings",
  {
    phase: text("phase").notNull(),
    phaseStatut: text("phase_statut").notNull(),
    genericStatus: text("generic_status")
      .notNull()
      .references(() => genericStatuses.code),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.phase, t.phaseStatut] }),
    uniqueIndex("phase_mappings_one_default_uq")
      .on(t.genericStatus)
      .where(sql`${t.isDefault}`),
  ],
);

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /**
     * The `whsec_…` signing secret, encrypted (`v1:<kid>:<iv>:<tag>:<ciphertext>`, AES-256-GCM with
     * SECRETS_ENCRYPTION_KEY, issue #16); read only through `decryptSecret`. A plaintext value
     * (written before encryption) is encrypted at the next server start.
     */
    secret: text("secret").notNull(),
    /** Previous secret (encrypted likewise), still used to sign until `previousSecretExpiresAt` (rotation overlap). */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    disabledReason: text("disabled_reason"),
    disabledAt: ts("disabled_at"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    failingSince: ts("failing_since"),
    lastSuccessAt: ts("last_success_at"),
    lastFailureAt: ts("last_failure_at"),
    /** Subscribed event types (CONTRACT §8 "Subscriptions"); null = all. */
    evenements: text("evenements").array(),
    /** Subscribed territories (`reg:84`, `dep:69`, `epci:…`, `com:…`); null = all. */
    territoires: text("territoires").array(),
    /**
     * The last state announced by email (issue #11, alerts): `ok`, `failing` or `disabled`. Moved
     * only by a conditional update in the transaction that changes the endpoint's health, with the
     * alert mails it causes: at most one mail per endpoint and per state change.
     */
    alertState: text("alert_state", { enum: ["ok", "failing", "disabled"] }).notNull().default("ok"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // One endpoint per service (CONTRACT §3).
  (t) => [uniqueIndex("webhook_endpoints_service_uq").on(t.serviceId)],
);

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

export type CollectiviteRef = { type: "Commune" | "EPCI"; code: string };

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** +1 on every change other services can see. */
    version: integer("version").notNull().default(1),
    nom: text("nom").notNull(),
    /**
     * The name as the console's search compares it (issue #11): without case, accents or surrounding
     * spaces, by the same rule as status labels (`statusLabelKey`, built-in functions only, so PGlite
     * and PostgreSQL agree without an extension). Computed by the database on every write.
     */
    nomKey: text("nom_key").notNull().generatedAlwaysAs(statusLabelKey(sql`nom`)),
    description: text("description"),
    /**
     * A code of `generic_statuses`, resolved from the status and phase mappings (whose foreign keys
     * to that table keep the codes valid). No foreign key here: status rows are never deleted, and
     * the check key-share-locked the same few rows on every project write (issue #17, migration 0037).
     */
    genericStatus: text("generic_status"),
    collectivites: jsonb("collectivites").$type<CollectiviteRef[]>().notNull(),
    budgetPrevisionnel: bigint("budget_previsionnel", { mode: "number" }),
    dateDebutPrevisionnelle: date("date_debut_previsionnelle", { mode: "string" }),
    programme: text("programme"),
    /**
     * The last (phase, phaseStatut) pair given for the project (CONTRACT §8): answered while it still
     * maps to the current generic status, else the default pair of that status.
     */
    phase: text("phase"),
    phaseStatut: text("phase_statut"),
    // Porteur référent: project data shared with linked services, erasable on request.
    porteurEmail: text("porteur_email"),
    /** HMAC of the porteur email: implicit WRITE permission and erasure lookups without scanning. */
    porteurEmailHash: text("porteur_email_hash"),
    porteurNom: text("porteur_nom"),
    porteurPrenom: text("porteur_prenom"),
    porteurTelephone: text("porteur_telephone"),
    porteurFonction: text("porteur_fonction"),
    porteurCodeSiret: text("porteur_code_siret"),
    /** The creating service: no foreign key, as for `project_links.service_id`. */
    createdByServiceId: uuid("created_by_service_id"),
    createdAt: createdAt(),
    /** The database's time in the statement that wrote the current version (never an application clock). */
    updatedAt: updatedAt(),
    /**
     * Resync position of the current version: the id (xid8 as bigint) of the transaction that wrote it.
     * Set by every write of a project row (store-projects.ts); read by list-projets.ts (CONTRACT §8).
     */
    txid: bigint("txid", { mode: "number" }).notNull().default(sql`pg_current_xact_id()::text::bigint`),
  },
  (t) => [
    index("projects_updated_idx").on(t.updatedAt, t.id),
    // The resync traversal walks this index from the cursor: a page costs the same at any depth.
    index("projects_resync_idx").on(t.txid, t.id),
    index("projects_porteur_email_hash_idx").on(t.porteurEmailHash),
  ],
);

/**
 * Resync marks: the database's snapshot (`pg_snapshot` as text) at a time. `updatedSince=T` starts
 * from the latest mark at or before T: every transaction that commits after T was still running at
 * that mark (not visible in its snapshot), whatever the time written in its rows. Taken at the first
 * page of every traversal and periodically by the delivery drivers (list-projets.ts, CONTRACT §8).
 */
export const resyncMarks = pgTable("resync_marks", {
  at: ts("at").primaryKey(),
  snapshot: text("snapshot").notNull(),
});

/**
 * Requests of a service per minute on /api/v1, shared by every web instance (issue #16): one upsert
 * per request on the row of the current minute (database clock), read with the previous minute's as
 * a sliding window (rate-limit.ts). Unlogged (migration 0026): counters need no WAL nor crash
 * safety, and the commit of a request's upsert then never waits for a disk flush. Rows older than
 * two minutes are removed by the periodic purge.
 */
export const apiRateWindows = pgTable(
  "api_rate_windows",
  {
    serviceId: uuid("service_id").notNull(),
    windowStart: ts("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.windowStart] })],
);

/**
 * Periodic jobs claimed by one instance at a time (issue #16): a job runs where the upsert moving
 * `started_at` past its period returns a row (claim-periodic-job.ts), whatever the number of
 * workers and web instances.
 */
export const periodicJobs = pgTable("periodic_jobs", {
  name: text("name").primaryKey(),
  startedAt: ts("started_at").notNull(),
});

/** A connected service's link to a project: its own id and its last own status label. */
export const projectLinks = pgTable(
  "project_links",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /**
     * No foreign key to `services` (issue #17, migration 0037): services are never deleted, the
     * writer's service comes from its API key read in the same request, and the check key-share-locked
     * the writing service's row once per link (a WAL record, and a multixact under concurrent writers
     * of one service).
     */
    serviceId: uuid("service_id").notNull(),
    externalId: text("external_id").notNull(),
    /** The service's own label as last sent; translated back only while it maps to the current generic status. */
    statusLabel: text("status_label"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.serviceId] }),
    // The idempotency key of POST /projets and the guard of PUT …/external-id.
    uniqueIndex("project_links_service_external_uq").on(t.serviceId, t.externalId),
  ],
);

/**
 * One grant per (project, person, granting service) (CONTRACT §8): each service manages its own
 * grants (PUT/DELETE, /permissions/sync, /utilisateurs/retrait) without touching another's, and a
 * person holds the highest level among the grants that stand.
 */
export const projectPermissions = pgTable(
  "project_permissions",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** HMAC-SHA256(EMAIL_HASH_SECRET, lower(trim(NFC(email)))), hex. Never the email. */
    emailHash: text("email_hash").notNull(),
    niveau: text("niveau", { enum: ["READ", "WRITE"] }).notNull(),
    /**
     * The service that granted it. No foreign key (as for the outbox's service ids): a sync of
     * 10,000 grants would check and share-lock the same hot services row 10,000 times; grants are
     * written only by the permission functions, with the id of the authenticated caller, and
     * services are never deleted.
     */
    grantedByServiceId: uuid("granted_by_service_id").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.emailHash, t.grantedByServiceId] }),
    index("project_permissions_email_idx").on(t.emailHash),
  ],
);

// ---------------------------------------------------------------------------------------------
// Outbox: events, one delivery per (event × receiving endpoint), append-only attempts
// ---------------------------------------------------------------------------------------------

export const events = pgTable(
  "events",
  {
    /** `msg_<ulid>`: the Standard Webhooks `webhook-id`, stable across retries and replays. */
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "set null" }),
    projectVersion: integer("project_version"),
    // No foreign key to services (nor from deliveries to services and endpoints): those few rows are
    // shared by every write, and each foreign-key check took a share lock on them per outbox row,
    // written to their page (multixacts under concurrent writes). The outbox is written only by
    // enqueueEvents from rows read in its transaction, and services and endpoints are never deleted.
    authorServiceId: uuid("author_service_id"),
    changements: jsonb("changements").$type<string[]>().notNull().default([]),
    /**
     * The JSON body every receiver gets, rendered once at commit time with the receiver-specific
     * fields of a project left null (see `deliveries.receiverView`); null once purged by retention.
     */
    body: text("body"),
    /**
     * HMAC of the porteur email in `body` (as `projects.porteurEmailHash`): an erasure finds every
     * stored body naming that person, including projects whose porteur has changed since.
     */
    porteurEmailHash: text("porteur_email_hash"),
    /**
     * Where the change came from (issue #16): the API request's id, written on the log lines of its
     * deliveries, and its W3C `traceparent`, the parent of each delivery attempt's span. Null for
     * changes made outside a request (CLI, worker).
     */
    requestId: text("request_id"),
    traceParent: text("trace_parent"),
    createdAt: createdAt(),
  },
  (t) => [
    index("events_project_idx").on(t.projectId, t.createdAt),
    index("events_created_idx").on(t.createdAt),
    index("events_porteur_idx").on(t.porteurEmailHash).where(sql`${t.porteurEmailHash} is not null`),
  ],
);

/** The fields of `data.projet` that differ per receiver (CONTRACT §3: its own id and label). */
export type ReceiverView = { externalId: string | null; statut: string | null };

export const deliveryStates = ["pending", "in_flight", "delivered", "failed"] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * The columns of a delivery, shared by the queue and the log (and the `deliveries` view over both):
 * a delivery moves from one to the other with these columns (issue #17). The queue has a few more
 * (`queueColumns`), which the log does not store.
 */
const deliveryColumns = () => ({
  /**
   * No foreign key either (issue #17): its check ran once per delivery row, one per receiver, on
   * the write's path. Deliveries are inserted only with their event, in the statement that inserts
   * it (enqueue-event.ts) or expands it (expand-events.ts), and deleted with it (purge-old-events.ts).
   */
  eventId: text("event_id").notNull(),
  /** No foreign key: see `events.authorServiceId`. */
  endpointId: uuid("endpoint_id").notNull(),
  /** Receiving service (denormalised for filters and per-service replay). */
  serviceId: uuid("service_id").notNull(),
  eventType: text("event_type").notNull(),
  /**
   * Ordering lane: one delivery in flight per (project, endpoint), in `id` order. Ids are taken at
   * insert time, after the project row lock, so they follow the project's version order.
   */
  projectId: uuid("project_id"),
  projectVersion: integer("project_version"),
  /**
   * What this receiver sees differently in the event's body (its own external id and status
   * label), captured at commit time and merged into `events.body` at send time: the bytes sent are
   * the same at every attempt and replay, and the outbox stores one body per event, not one per
   * receiver (a third of the write volume of a change went into copies of the same body).
   * Stored without its null fields, and null when none is left (the body holds null in their
   * place): each version of the row carries it (issue #17).
   */
  receiverView: jsonb("receiver_view").$type<Partial<ReceiverView>>(),
  state: text("state", { enum: deliveryStates }).notNull().default("pending"),
  attemptCount: integer("attempt_count").notNull().default(0),
  lastStatusCode: integer("last_status_code"),
  lastError: text("last_error"),
  deliveredAt: ts("delivered_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * What only an unsettled delivery needs: when and how its next attempt runs, and its lease. A
 * settled delivery has no next attempt, so the log does not store them (about 24 bytes a row, issue
 * #17, "storage"); the `deliveries` view gives its settled rows the values a settled row used to
 * keep (no lease, a new retry cycle, the settle time as next attempt), and a replay that moves one
 * back to the queue sets them (move-deliveries.ts).
 */
const queueColumns = () => ({
  /** Automatic attempts in the current retry cycle: indexes the retry schedule (a bulk replay resets it). */
  retryStep: integer("retry_step").notNull().default(0),
  /** How the next attempt is logged: `manual` after an operator's bulk replay. */
  nextTrigger: text("next_trigger", { enum: ["auto", "manual"] }).notNull().default("auto"),
  nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
  leaseOwner: text("lease_owner"),
  leaseExpiresAt: ts("lease_expires_at"),
});

/**
 * The delivery queue (issue #17): the deliveries not settled yet, `pending` or `in_flight`, one
 * per (event × receiving endpoint). The expansion inserts them, the claim leases them, and the
 * outcome of their last attempt moves them to `delivery_log` (delivered, or failed for good); a
 * replay moves them back. The table holds the backlog only, so the claim's indexes stay small,
 * and the versions that the claim and retries write are vacuumed away instead of staying in the
 * log. Its sequence gives every delivery its id for life, in the log too.
 */
export const deliveryQueue = pgTable(
  "delivery_queue",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ...deliveryColumns(),
    ...queueColumns(),
  },
  (t) => [
    // By event: a project's events in the console, the replay of an event's deliveries.
    index("delivery_queue_event_idx").on(t.eventId),
    index("delivery_queue_due_idx").on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    // The claim's lane check looks for an earlier unsettled delivery: every queued row is one.
    index("delivery_queue_lane_idx").on(t.endpointId, t.projectId, t.id),
    // The claim also checks that nothing of a lane is in flight (a replayed old delivery is its lane's
    // head while a later one may still be in flight): in-flight rows are few, this index stays small.
    // It is also how expired leases and the next lease expiry are found (claim-deliveries.ts,
    // next-due-at.ts).
    index("delivery_queue_in_flight_idx")
      .on(t.endpointId, t.projectId)
      .where(sql`${t.state} = 'in_flight'`),
  ],
);

/**
 * The delivery log (issue #17): settled deliveries, `delivered` or `failed` (for good, until an
 * operator's replay moves one back to the queue). A row is inserted once, with its final state,
 * and never updated: no dead versions, and each index holds one entry per delivery. Its id is the
 * one the queue gave it.
 */
export const deliveryLog = pgTable(
  "delivery_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey(),
    ...deliveryColumns(),
  },
  (t) => [
    // By event (retention, a project's events in the console). Not unique on (event, endpoint): an
    // index on the event alone keeps one key for the event's deliveries (btree deduplication).
    index("delivery_log_event_idx").on(t.eventId),
    // By service and state (console filters, dashboard). Without the creation time in the key, an
    // entry is a row pointer in the posting list of its (service, state) pair (btree deduplication):
    // 7 bytes a delivery instead of 59 where each change has its own time (issue #17, "storage").
    // A range of creation times is the BRIN index's, combined with this one.
    index("delivery_log_service_state_idx").on(t.serviceId, t.state),
    // Failed deliveries are few and sought by operators (filter, bulk replay).
    index("delivery_log_failed_idx").on(t.id).where(sql`${t.state} = 'failed'`),
    // Creation time is only a range filter of the console (a day, the last two weeks); rows are
    // appended in about time order, so a BRIN index (a few pages for the whole table) finds a range
    // as well as a btree would.
    index("delivery_log_created_brin_idx").using("brin", t.createdAt),
  ],
);

/**
 * Every delivery, queued or settled: what the console, exports, metrics and tests read (issue
 * #17). A view, so that a write must say which table it changes: the queue (enqueue, claim,
 * retries, replays of unsettled deliveries) or the log (settle, retention). Filters and
 * `order by id` go down to each table's indexes through the `union all`.
 */
export const deliveries = pgView("deliveries", { id: bigint("id", { mode: "number" }).notNull(), ...deliveryColumns(), ...queueColumns() }).as(
  sql`select id, event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view, state, attempt_count,
    last_status_code, last_error, delivered_at, created_at, updated_at, retry_step, next_trigger, next_attempt_at, lease_owner,
    lease_expires_at from ${deliveryQueue}
  union all
  select id, event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view, state, attempt_count,
    last_status_code, last_error, delivered_at, created_at, updated_at, 0, 'auto'::text, updated_at, null::text,
    null::timestamptz from ${deliveryLog}`,
);

/**
 * Events waiting to be expanded into their deliveries (issue #17): the write inserts its event and
 * one row here in the statement of the change, nothing per receiver; the delivery drivers expand
 * the rows in `seq` order under one lock (expand-events.ts), inserting the deliveries and held
 * changes, then delete them. A queue, not a log: rows live from a write to the next expansion.
 * What the expansion needs beyond the `events` row: each receiver's view and the territory keys of
 * the subscription filter. No foreign key to the event (as `deliveries`): written only with it, and
 * retention never purges an event still queued here (purge-old-events.ts).
 */
export const eventFanouts = pgTable("event_fanouts", {
  /** Expansion order: taken at insert time, after the project row lock, so it follows version order within a project. */
  seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: text("event_id").notNull(),
  /** Each possible receiver's view of `data.projet`, by service id (enqueue-event.ts `receiverViews`). */
  receiverViews: jsonb("receiver_views").$type<Record<string, ReceiverView>>(),
  /** The project's territory keys (subscription filter); null: the event matches every territory. */
  territoryKeys: jsonb("territory_keys").$type<string[]>(),
  /** The new keys of a scope-exit event (`territoryKeys` then holds the previous ones). */
  leavingKeys: jsonb("leaving_keys").$type<string[]>(),
});

/**
 * Held changes (CONTRACT §8): while an endpoint or its service is disabled, the project changes it
 * would have received are kept here instead of being dropped, coalesced to the newest version per
 * project (one row per endpoint and project, however many changes). Written by the outbox in the
 * statement of the change (enqueue-event.ts); released as one `projet.modifie` per project, with the
 * project's current state, when the endpoint and its service are both enabled again
 * (release-held-changes.ts). No foreign keys, as for the outbox: see `events.authorServiceId`.
 */
export const heldChanges = pgTable(
  "held_changes",
  {
    endpointId: uuid("endpoint_id").notNull(),
    /** Receiving service (denormalised: counts per service in the console). */
    serviceId: uuid("service_id").notNull(),
    projectId: uuid("project_id").notNull(),
    /** Version of the newest held change. */
    projectVersion: integer("project_version").notNull(),
    /** Author of the newest held change: the `auteur` of the event that releases it. */
    authorServiceId: uuid("author_service_id"),
    /** Union of the fields changed by the held changes. */
    changements: jsonb("changements").$type<string[]>().notNull().default([]),
    heldAt: ts("held_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.projectId] })],
);

export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /**
     * No foreign key: the check cost more than half of inserting an attempt row (19 of 33 ms per
     * 3,000), on the path of every delivery. Attempts are written only by the delivery core, for
     * deliveries it holds or has just read; deliveries are deleted only with their attempts, by
     * retention (purge-old-events.ts).
     */
    deliveryId: bigint("delivery_id", { mode: "number" }).notNull(),
    attemptNumber: integer("attempt_number").notNull(),
    trigger: text("trigger", { enum: ["auto", "manual"] }).notNull(),
    startedAt: ts("started_at").notNull(),
    durationMs: integer("duration_ms"),
    statusCode: integer("status_code"),
    /** At most 2 KiB of the response body. */
    responseExcerpt: text("response_excerpt"),
    /** timeout | dns | connect | blocked | http | lost | … */
    errorClass: text("error_class"),
    errorMessage: text("error_message"),
  },
  (t) => [
    index("delivery_attempts_delivery_idx").on(t.deliveryId, t.id),
    index("delivery_attempts_started_idx").on(t.startedAt),
  ],
);

/**
 * Settled deliveries counted by the UTC day they were created, receiving service and state: what
 * the dashboard and the agents' space chart (count-deliveries-per-day.ts, get-dashboard-stats.ts)
 * read instead of counting the log, whose millions of rows took seconds to count. Kept by the
 * log's own triggers (migration 0036): every insert into the log adds, every delete (replay,
 * retention) subtracts, in the statement that changes the log, so the counts cannot drift from it.
 */
export const deliveryLogDailyCounts = pgTable(
  "delivery_log_daily_counts",
  {
    day: date("day", { mode: "string" }).notNull(),
    serviceId: uuid("service_id").notNull(),
    state: text("state", { enum: deliveryStates }).notNull(),
    n: bigint("n", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.serviceId, t.state] })],
);

/**
 * Delivery attempts counted by the UTC day they started, and how many the receiver accepted (a 2xx
 * with no error): the dashboard's success rate. Kept by the attempts' triggers (migration 0036).
 */
export const deliveryAttemptDailyCounts = pgTable("delivery_attempt_daily_counts", {
  day: date("day", { mode: "string" }).primaryKey(),
  attempts: bigint("attempts", { mode: "number" }).notNull(),
  succeeded: bigint("succeeded", { mode: "number" }).notNull(),
});

// ---------------------------------------------------------------------------------------------
// Operators, console sessions (next-auth drizzle adapter tables) and audit log
// ---------------------------------------------------------------------------------------------

export const operators = pgTable(
  "operators",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "lecteur"] }).notNull(),
    active: boolean("active").notNull().default(true),
    /** Last successful console login (set at sign-in; shown on the operators page, issue #11). */
    lastLoginAt: ts("last_login_at"),
    /** Receives the endpoints' alerts and the daily digest by email (issue #11, an operator's own preference). */
    alertSubscribed: boolean("alert_subscribed").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("operators_email_uq").on(t.email)],
);

/**
 * Technical contacts of a connected service (issue #11): emailed when its endpoint starts failing,
 * is disabled or recovers, and in the daily digest. Emails stored normalised (trimmed, lower case).
 * Personal data: shown to operators only, never logged nor audited (entries name the contact by
 * id), deleted by the erasure (`POST /utilisateurs/effacement`).
 */
export const serviceContacts = pgTable(
  "service_contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("service_contacts_service_email_uq").on(t.serviceId, t.email), index("service_contacts_email_idx").on(t.email)],
);

export const alertKinds = ["failing", "disabled", "recovered", "digest"] as const;
export type AlertKind = (typeof alertKinds)[number];

/**
 * The alert mails' outbox (issue #11): one row per mail and recipient, written in the transaction of
 * the state change that causes it, sent by the alert sender and retried with backoff until the SMTP
 * server accepts it. `facts` holds what the mail says (service, endpoint, reason, counts), rendered
 * at send time. No foreign keys, like the webhook outbox: rows outlive nothing they would lock.
 * `recipient` is personal data: the erasure deletes the person's rows.
 */
export const alertMails = pgTable(
  "alert_mails",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind", { enum: alertKinds }).notNull(),
    serviceId: uuid("service_id"),
    endpointId: uuid("endpoint_id"),
    recipient: text("recipient").notNull(),
    facts: jsonb("facts").notNull(),
    state: text("state", { enum: ["pending", "sent"] }).notNull().default("pending"),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    leaseExpiresAt: ts("lease_expires_at"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [
    index("alert_mails_due_idx").on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    index("alert_mails_recipient_idx").on(t.recipient),
  ],
);

/** One row per day whose digest was queued: the atomic claim that makes one instance send it (issue #11). */
export const alertDigests = pgTable("alert_digests", {
  day: date("day", { mode: "string" }).primaryKey(),
  claimedAt: ts("claimed_at").notNull().defaultNow(),
});

/**
 * Connected-service agents (CONTRACT §8, issue #12): a person (by email) granted access to one
 * service at a level, `lecture` (see) or `gestion` (act). The email is stored normalised (trimmed,
 * lower case) and in clear, like `operators.email`: login matches it against the email ProConnect
 * returns, and admins must be able to see who holds access. It is personal data: the erasure
 * (`POST /utilisateurs/effacement`) deletes the person's grants, and logs and audit entries never
 * carry it (audit entries name the grant by id).
 */
export const serviceAgents = pgTable(
  "service_agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    niveau: text("niveau", { enum: ["lecture", "gestion"] }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("service_agents_service_email_uq").on(t.serviceId, t.email), index("service_agents_email_idx").on(t.email)],
);

export const users = pgTable("users", {
  id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: timestamp("email_verified", { mode: "date" }),
  image: text("image"),
});

export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
    lastUsedAt: timestamp("last_used_at", { mode: "date" }),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable("sessions", {
  sessionToken: text("session_token").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: timestamp("expires", { mode: "date" }).notNull(),
  /** Absolute lifetime (12 h) is checked against this; `expires` slides with activity. */
  createdAt: timestamp("created_at", { mode: "date" }).notNull().defaultNow(),
});

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** `operator` (console), `agent` (a connected service's agent, in their space: issue #12), `cli` (command line) or `system`. */
    actorType: text("actor_type", { enum: ["operator", "agent", "cli", "system"] }).notNull(),
    actorOperatorId: uuid("actor_operator_id").references(() => operators.id, { onDelete: "set null" }),
    /**
     * Human-readable actor (operator email, or `cli`). Operators are staff, not users of connected
     * services. An agent is named by service and grant id, never by email (personal data, issue #12).
     */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    /** The connected service the entry concerns, when there is one (operators filter by it: issue #12). */
    serviceId: uuid("service_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_created_idx").on(t.createdAt, t.id),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
    index("audit_log_service_idx").on(t.serviceId, t.id),
    check("audit_log_actor_type_ck", sql`${t.actorType} in ('operator', 'agent', 'cli', 'system')`),
  ],
);
