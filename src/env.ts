// Every setting of the hub, validated in one place. This is the only module that reads process.env.
// A missing or bad required setting stops the start with a message naming it.
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";
import ipaddr from "ipaddr.js";
import { buildSecretKeyring, parseEncryptionKey, type SecretKeyring } from "@/modules/secrets/secret-keyring";

const isAddressOrRange = (entry: string) => {
  try {
    if (entry.includes("/")) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return true;
  } catch {
    return false;
  }
};

/** A 32-byte key in hex or base64; the message of `parseEncryptionKey` when it is not. */
const encryptionKey = z.string().superRefine((value, ctx) => {
  try {
    parseEncryptionKey(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** PostgreSQL URL; absent → embedded PGlite in DATA_DIR. */
    DATABASE_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default(".data"),
    /** Named prepared statements on PostgreSQL; false behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21). */
    DATABASE_PREPARED_STATEMENTS: bool(true),
    /** Secret of the HMAC that stands for user emails. Changing it orphans every stored permission. */
    EMAIL_HASH_SECRET: z.string().min(32, "doit contenir au moins 32 caractères"),
    /**
     * Key of the AES-256-GCM encryption of webhook signing secrets at rest (issue #16): 32 bytes, hex
     * or base64 (`openssl rand -base64 32`). Without it, a database dump would let anyone sign as the hub.
     */
    SECRETS_ENCRYPTION_KEY: encryptionKey,
    /** Former keys, comma-separated, to decrypt values not yet moved by `secrets:reencrypt` (key rotation). */
    SECRETS_ENCRYPTION_PREVIOUS_KEYS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(encryptionKey)),
    /**
     * Loopback and private webhook targets, and plain http: only when explicitly allowed (local tools
     * and tests set it). No security default follows NODE_ENV (CONTRACT §7): the CLI and the separate
     * worker run without it.
     */
    WEBHOOK_ALLOW_PRIVATE_URLS: bool(false),
    /** Comma-separated waits in ms between attempts; N waits give N+1 attempts. */
    WEBHOOK_RETRY_SCHEDULE: z
      .string()
      .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, "liste de durées en millisecondes séparées par des virgules")
      .optional()
      .transform((v) => (v === undefined ? undefined : v.split(",").map((n) => Number(n.trim())))),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /** Days delivered payloads and attempt logs are kept. */
    WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
    /** Days an event (with its deliveries and attempts) is kept after all its deliveries ended (issue #16). */
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
    /** Days an audit log entry is kept (issue #16). */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
    /** Embedded delivery worker in the server process (when Inngest is not configured). */
    WORKER_ENABLED: bool(true),
    /** Requests per minute and per connected service on /api/v1. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
    /** Prefix of new API keys: lc_live_ unless set (the local tools and tests set lc_test_), whatever NODE_ENV says. */
    API_KEY_PREFIX: z
      .string()
      .regex(/^[a-z]+_[a-z]+_$/)
      .default("lc_live_"),
    /**
     * Reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDR ranges separated by
     * commas. Empty (default): the TCP peer is the client, whatever headers it sends.
     */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.every(isAddressOrRange), "adresses IP ou plages CIDR séparées par des virgules"),
    /** Failed API-key authentications per minute and per client address before answering 429. */
    API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    /**
     * OpenTelemetry traces (issue #16), standard settings: exported over OTLP/HTTP when one of the
     * endpoints is set (the exporter reads the other OTEL_EXPORTER_OTLP_* settings itself), off
     * otherwise or with OTEL_SDK_DISABLED=true.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default("les-communs-hub"),
    OTEL_SDK_DISABLED: bool(false),
    /**
     * Sentry (issue #16), optional: errors logged by the hub are reported to this project's DSN,
     * scrubbed of personal data (telemetry/error-reporting.ts); absent → nothing is sent.
     */
    SENTRY_DSN: z.url().optional(),
    SENTRY_ENVIRONMENT: z.string().min(1).optional(),
    /** Bearer token of GET /api/metrics (Prometheus); absent → the route answers 404. */
    METRICS_TOKEN: z.string().min(16, "doit contenir au moins 16 caractères").optional(),

    // Alerts by email (issue #11): SMTP server of the alert mails. Absent host → mails stay queued.
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
    SMTP_SECURE: bool(false),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASS: z.string().min(1).optional(),
    /** Sender of the alert mails, `Nom <adresse>` or an address. */
    SMTP_FROM: z.string().min(3).default("Les Communs <ne-pas-repondre@les-communs.localhost>"),
    /** Consecutive failed attempts after which an endpoint is announced as failing. */
    ALERT_AFTER_FAILURES: z.coerce.number().int().min(1).default(5),
    /** Minutes of failures without a success after which an endpoint is announced as failing. */
    ALERT_AFTER_MINUTES: z.coerce.number().int().min(1).default(30),
    /** Hour (0–23, Europe/Paris) from which the daily digest of open problems is sent. */
    ALERT_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
    /** Base URL of the console in the mails' links; absent → NEXTAUTH_URL. */
    CONSOLE_URL: z.url().optional(),

    // Console login (ProConnect through next-auth)
    NEXTAUTH_URL: z.url().optional(),
    NEXTAUTH_SECRET: z.string().min(32, "doit contenir au moins 32 caractères"),
    PROCONNECT_ISSUER: z.url().optional(),
    PROCONNECT_CLIENT_ID: z.string().min(1).optional(),
    PROCONNECT_CLIENT_SECRET: z.string().min(1).optional(),
    /** Signing algorithm registered for the client (id_token and userinfo). */
    PROCONNECT_SIGNING_ALG: z.enum(["RS256", "ES256"]).default("RS256"),
    /** Accepted `acr` values for readers (lecteur), comma-separated. */
    PROCONNECT_ACR_VALUES: z.string().default("eidas1,eidas1-mfa,eidas2,eidas3"),
    /** Accepted `acr` values for administrators, comma-separated: multi-factor levels only by default (ANSSI). */
    PROCONNECT_ACR_VALUES_ADMIN: z.string().default("eidas1-mfa,eidas2,eidas3"),

    // Inngest driver: configured when any of these is set; otherwise the embedded worker delivers.
    INNGEST_EVENT_KEY: z.string().min(1).optional(),
    INNGEST_SIGNING_KEY: z.string().min(1).optional(),
    INNGEST_BASE_URL: z.url().optional(),
    INNGEST_DEV: z.string().min(1).optional(),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
  // `next build` imports route modules; settings are validated when the server starts, not at build.
  skipValidation: process.env.NEXT_PHASE === "phase-production-build",
  onValidationError: (issues) => {
    const lines = issues.map((i) => `  - ${i.path?.map((p) => (typeof p === "object" ? p.key : p)).join(".")}: ${i.message}`);
    throw new Error(`Réglages invalides ou manquants :\n${lines.join("\n")}`);
  },
});

export type Env = typeof env;

export const inngestConfigured = Boolean(
  env.INNGEST_EVENT_KEY || env.INNGEST_SIGNING_KEY || env.INNGEST_BASE_URL || env.INNGEST_DEV,
);

/** The Standard Webhooks schedule: waits between attempts (10 attempts over about 3 days). */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
];

let keyring: SecretKeyring | undefined;
/** The keys that encrypt and decrypt secrets at rest, from SECRETS_ENCRYPTION_KEY and SECRETS_ENCRYPTION_PREVIOUS_KEYS. */
export function secretKeyring(): SecretKeyring {
  return (keyring ??= buildSecretKeyring(env.SECRETS_ENCRYPTION_KEY, env.SECRETS_ENCRYPTION_PREVIOUS_KEYS));
}

export const retryScheduleMs = env.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_MS;
