// Test kit for the /api/v1 route handlers, called in-process against a createTestDatabase() handle.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { services } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { createApiKey } from "@/modules/keys/create-api-key";
import { secretKeyring } from "@/env";
import { upsertEndpoint } from "@/modules/webhooks/upsert-endpoint";

export type Slug = "mec" | "tet" | "recoco" | "aides-territoires";

/** An API key for a seeded service (and, optionally, a webhook endpoint so that deliveries are queued). */
export async function keyFor(db: Db, slug: Slug, options: { endpoint?: boolean } = {}): Promise<{ key: string; serviceId: string }> {
  const [service] = await db.select().from(services).where(eq(services.slug, slug));
  if (!service) throw new Error(`seeded service ${slug} missing`);
  const { apiKey } = await createApiKey(db, service.id, "lc_test_", cliActor);
  if (options.endpoint) await upsertEndpoint(db, service.id, { url: `http://127.0.0.1:9/${slug}` }, secretKeyring());
  return { key: apiKey, serviceId: service.id };
}

export type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type Call = { status: number; body: any; headers: Headers };

/** Calls a route handler like Next does and decodes the JSON answer. */
export async function call(
  handler: Handler,
  options: { method?: string; path: string; key?: string; user?: string; body?: unknown; raw?: string | Uint8Array; params?: Record<string, string>; headers?: Record<string, string> },
): Promise<Call> {
  const headers = new Headers(options.headers);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  if (options.user !== undefined) headers.set("x-user-email", options.user);
  let body: BodyInit | undefined;
  if (options.raw !== undefined) body = options.raw as BodyInit;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers.set("content-type", "application/json");
  const response = await handler(new Request(`http://localhost${options.path}`, { method: options.method ?? "GET", headers, body }), {
    params: Promise.resolve(options.params ?? {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export const lyon = { type: "Commune" as const, code: "69123" };
export const metropoleLyon = { type: "EPCI" as const, code: "200046977" };
