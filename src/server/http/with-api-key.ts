// The one wrapper of every /api/v1 route: API key → service, per-service rate limit, optional acting
// user (X-User-Email), bounded JSON body, and every failure through the contract's error envelope.
// Logs carry the method, path, status, duration and service slug: never a body, query or email.
import { getDb } from "@/db";
import type { Db } from "@/db/client";
import { env } from "@/env";
import { AppError } from "@/modules/errors/app-error";
import { authenticateApiKey } from "@/modules/keys/authenticate-api-key";
import type { Caller } from "@/modules/permissions/check-access";
import { hashEmail } from "@/modules/permissions/hash-email";
import { emailSchema, projetIdSchema } from "@/modules/projects/projet-schemas";
import { kickDelivery } from "../delivery-driver";
import { logger } from "../logger";
import { errorResponse } from "./error-response";
import { createRateLimiter, type RateLimiter } from "./rate-limiter";
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

export type WithApiKeyOptions = { maxBodyBytes?: number; rateLimiter?: RateLimiter };

export const BODY_LIMIT_BYTES = MiB;
export const BULK_BODY_LIMIT_BYTES = 20 * MiB;

const defaultLimiter = createRateLimiter(env.RATE_LIMIT_PER_MINUTE);

async function openDb(): Promise<Db> {
  try {
    return await getDb();
  } catch {
    throw new AppError("unavailable", "Le service est momentanément indisponible, réessayez dans quelques instants.");
  }
}

async function authenticate(request: Request, db: Db, limiter: RateLimiter): Promise<Caller> {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new AppError("unauthorized", "En-tête « Authorization: Bearer <clé d'API> » manquant ou mal formé.");
  const service = await authenticateApiKey(db, match[1]!);
  if (!service) throw new AppError("unauthorized", "Clé d'API invalide ou révoquée.");
  const verdict = limiter.take(service.id);
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
    userHash = hashEmail(parsed.data);
  }
  return { serviceId: service.id, slug: service.slug, userHash, catalogVersion: service.catalogVersion };
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
  const limiter = options.rateLimiter ?? defaultLimiter;
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    const started = performance.now();
    const url = new URL(request.url);
    let slug: string | undefined;
    let response: Response;
    try {
      const db = await openDb();
      const caller = await authenticate(request, db, limiter);
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
    logger.info("api request", {
      method: request.method,
      path: url.pathname,
      status: response.status,
      ms: Math.round(performance.now() - started),
      service: slug,
    });
    return response;
  };
}

/** A JSON response; wakes the delivery driver when the committed change queued deliveries. */
export function jsonResponse(data: unknown, status = 200, queued = 0): Response {
  if (queued > 0) kickDelivery();
  return Response.json(data, { status });
}
