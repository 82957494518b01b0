// The one wrapper of every /api/v1 route: API key → service, per-service rate limit, optional acting
// user (X-User-Email), bounded JSON body, and every failure through the contract's error envelope.
// Failed authentications are throttled per client address (auth-failure-throttle.ts) and logged with
// the key's public prefix. Logs carry the method, path, status, duration, service slug and client
// address: never a body, query, email or key. Every answer is `Cache-Control: no-store`.
import { getDb } from "@/db";
import type { Db } from "@/db/client";
import { env } from "@/env";
import { AppError } from "@/modules/errors/app-error";
import { admitApiKey } from "@/modules/keys/admit-api-key";
import { identifyApiKey } from "@/modules/keys/identify-api-key";
import { prefixOfApiKey } from "@/modules/keys/generate-api-key";
import type { Caller } from "@/modules/permissions/check-access";
import { hashEmail } from "@/modules/permissions/hash-email";
import { emailSchema, projetIdSchema } from "@/modules/projects/projet-schemas";
import { kickDelivery } from "../delivery-driver";
import { withEventOrigin } from "@/modules/outbox/event-origin";
import { logger, requestIdOf, withRequestId } from "../logger";
import { activeTraceParent } from "../telemetry/trace-delivery";
import { observeApiRequest } from "../metrics";
import { errorResponse } from "./error-response";
import { sharedAuthFailureThrottle, type AuthFailureThrottle } from "./auth-failure-throttle";
import { clientAddress } from "./client-address";
import { MiB, readJsonBody } from "./read-json-body";

export type ApiContext = {
  request: Request;
  db: Db;
  caller: Caller;
  /** Route params; `id`, when present, is a validated project UUID in lower case. */
  params: Record<string, string>;
  /** The JSON body (read once, size-limited). */
  body: () => Promise<unknown>;
  /** Query parameters as a plain object (a repeated key keeps its last value). */
  query: () => Record<string, string>;
};

export type ApiHandler = (ctx: ApiContext) => Promise<Response>;
type RouteContext = { params: Promise<Record<string, string | string[]>> };

export type WithApiKeyOptions = {
  maxBodyBytes?: number;
  /** Requests per minute and per service (default RATE_LIMIT_PER_MINUTE), counted in the database across instances. */
  ratePerMinute?: number;
  authFailureThrottle?: AuthFailureThrottle;
};

export const BODY_LIMIT_BYTES = MiB;
export const BULK_BODY_LIMIT_BYTES = 20 * MiB;
/**
 * POST /permissions/sync: 10,000 entries weigh about 1 MB with short addresses (≈ 100 bytes each,
 * over the 1 MiB limit already) and up to ≈ 3.4 MB with 254-character ones (≈ 335 bytes), 4 MB
 * pretty-printed: 8 MiB admits any valid call and still refuses absurd bodies before parsing.
 */
export const PERMISSION_SYNC_BODY_LIMIT_BYTES = 8 * MiB;

async function openDb(): Promise<Db> {
  try {
    return await getDb();
  } catch {
    throw new AppError("unavailable", "Le service est momentanément indisponible, réessayez dans quelques instants.");
  }
}

/** An authentication failure: counted against the client address and logged with the key prefix. */
class KeyRefused extends AppError {
  constructor(
    message: string,
    readonly keyPrefix: string | null,
  ) {
    super("unauthorized", message);
  }
}

async function authenticate(request: Request, db: Db, ratePerMinute: number): Promise<Caller> {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new KeyRefused("En-tête « Authorization: Bearer <clé d'API> » manquant ou mal formé.", null);
  const refused = "Clé d'API invalide ou révoquée.";
  const key = await identifyApiKey(db, match[1]!);
  // The prefix is public (shown in the console and the audit log), the rest of the key never logged.
  if (!key) throw new KeyRefused(refused, prefixOfApiKey(match[1]!));
  // One statement: the key still active, and the request counted against the service's limit,
  // shared by every web instance (issue #16).
  const admitted = await admitApiKey(db, key, ratePerMinute);
  if (!admitted) throw new KeyRefused(refused, key.prefix);
  const { service, verdict } = admitted;
  if (!verdict.allowed) {
    throw new AppError("rate_limited", "Trop de requêtes pour ce service : réessayez après le délai indiqué par Retry-After.", {
      retryAfter: verdict.retryAfterSeconds,
    });
  }
  const userEmail = request.headers.get("x-user-email");
  let userHash: string | null = null;
  if (userEmail !== null) {
    const parsed = emailSchema.safeParse(userEmail);
    if (!parsed.success) throw AppError.validation([{ path: "X-User-Email", message: "adresse électronique invalide" }]);
    userHash = hashEmail(parsed.data, env.EMAIL_HASH_SECRET);
  }
  return { serviceId: service.id, slug: service.slug, userHash, emailHashSecret: env.EMAIL_HASH_SECRET, catalogVersion: service.catalogVersion };
}

async function readParams(context: RouteContext | undefined): Promise<Record<string, string>> {
  const raw = context ? await context.params : {};
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) params[key] = Array.isArray(value) ? value.join("/") : value;
  if (params.id !== undefined) {
    const id = projetIdSchema.safeParse(params.id);
    if (!id.success) throw AppError.validation([{ path: "id", message: "identifiant de projet (UUID) attendu" }], "Identifiant de projet mal formé.");
    params.id = id.data;
  }
  return params;
}

export function withApiKey(handler: ApiHandler, options: WithApiKeyOptions = {}) {
  const maxBodyBytes = options.maxBodyBytes ?? BODY_LIMIT_BYTES;
  const ratePerMinute = options.ratePerMinute ?? env.RATE_LIMIT_PER_MINUTE;
  // Every log line of the request carries its id (issue #16): the caller's X-Request-Id or a new one, returned.
  return (request: Request, context?: RouteContext): Promise<Response> => {
    const requestId = requestIdOf(request);
    // The events this request enqueues remember it: their deliveries' log lines and spans follow it.
    const origin = { requestId, traceParent: activeTraceParent() };
    return withRequestId(requestId, () => withEventOrigin(origin, () => handle(request, context, requestId)));
  };

  async function handle(request: Request, context: RouteContext | undefined, requestId: string): Promise<Response> {
    const started = performance.now();
    const url = new URL(request.url);
    const throttle = options.authFailureThrottle ?? sharedAuthFailureThrottle();
    // Unknown only when the request did not come through the hub's HTTP server (in-process calls).
    const client = clientAddress(request, env.TRUSTED_PROXIES) ?? "unknown";
    let slug: string | undefined;
    let keyPrefix: string | null | undefined;
    let response: Response;
    try {
      const wait = throttle.blocked(client);
      if (wait !== null) {
        throw new AppError("rate_limited", "Trop d'échecs d'authentification depuis cette adresse : réessayez après le délai indiqué par Retry-After.", {
          retryAfter: wait,
        });
      }
      const db = await openDb();
      let caller: Caller;
      try {
        caller = await authenticate(request, db, ratePerMinute);
      } catch (error) {
        if (error instanceof KeyRefused) {
          keyPrefix = error.keyPrefix;
          throttle.recordFailure(client, keyPrefix);
        }
        throw error;
      }
      slug = caller.slug;
      const params = await readParams(context);
      let bodyPromise: Promise<unknown> | undefined;
      response = await handler({
        request,
        db,
        caller,
        params,
        body: () => (bodyPromise ??= readJsonBody(request, maxBodyBytes)),
        query: () => Object.fromEntries(url.searchParams),
      });
    } catch (error) {
      response = errorResponse(error);
    }
    // Answers are per service (and per acting user): never kept by a shared cache (finding 5).
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("X-Request-Id", requestId);
    const elapsedMs = performance.now() - started;
    observeApiRequest(url.pathname, request.method, response.status, elapsedMs / 1000);
    const fields = { method: request.method, path: url.pathname, status: response.status, ms: Math.round(elapsedMs), service: slug, client };
    // A refused key is logged with its public prefix and the client address, never the secret.
    if (keyPrefix !== undefined) logger.warn("api key refused", { ...fields, keyPrefix });
    else logger.info("api request", fields);
    return response;
  }
}

/**
 * A response whose body is JSON text already serialised (the resync pages, rendered by the
 * database): the same headers as `jsonResponse`.
 * @param body the text, or its UTF-8 bytes in parts sent in order as they are (a stream: a byte body
 *   is copied whole by the Response, 400 KB a resync page).
 */
export function jsonTextResponse(body: string | readonly Uint8Array[], status = 200): Response {
  const content =
    typeof body === "string"
      ? body
      : new ReadableStream<Uint8Array>({
          start(controller) {
            for (const part of body) controller.enqueue(part);
            controller.close();
          },
        });
  return new Response(content, { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}

/** A JSON response; wakes the delivery driver when the committed change queued deliveries. */
export function jsonResponse(data: unknown, status = 200, queued = 0): Response {
  if (queued > 0) kickDelivery();
  return Response.json(data, { status, headers: { "Cache-Control": "no-store" } });
}
