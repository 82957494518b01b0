// The console's tRPC endpoint over HTTP (/api/trpc): bounded body and batch size, `no-store` on every
// answer (they are per-operator), and failures logged by name and code, never with their input or
// parameters (issue #14, findings 3, 5, 6).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { logger } from "@/server/logger";
import { describeError } from "@/server/http/error-response";
import { readCappedBody } from "@/server/http/read-json-body";
import { appRouter } from "./app-router";
import { createContextFromRequest } from "./context";
import { TRPC_BODY_LIMIT_BYTES, TRPC_MAX_BATCH_SIZE } from "./http-limits";

/** A tRPC-shaped error answer for a request refused before tRPC reads it. */
function refuse(status: number, code: string, message: string): Response {
  return Response.json(
    { error: { message, code: -32600, data: { code, httpStatus: status } } },
    { status, headers: { "Cache-Control": "no-store" } },
  );
}

/**
 * Handles GET and POST on /api/trpc/<procedures>. Takes the request; returns tRPC's answer with
 * `Cache-Control: no-store`, or 413 PAYLOAD_TOO_LARGE above TRPC_BODY_LIMIT_BYTES; a batch of more
 * than TRPC_MAX_BATCH_SIZE calls is a 400 (tRPC's own check).
 */
export async function handleTrpcRequest(request: Request): Promise<Response> {
  let req = request;
  if (request.method === "POST") {
    const body = await readCappedBody(request, TRPC_BODY_LIMIT_BYTES);
    if (body === null) return refuse(413, "PAYLOAD_TOO_LARGE", `Le corps de la requête dépasse la limite de ${TRPC_BODY_LIMIT_BYTES / 1024} Kio.`);
    req = new Request(request.url, { method: "POST", headers: request.headers, body: body as BodyInit });
  }
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContextFromRequest(req),
    // Queries never change state, and mutations are refused as GET by tRPC itself.
    allowMethodOverride: false,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    onError({ error, path, type }) {
      // Name and code only: the input and a database error's message (SQL and parameters) stay out.
      const fields = { path: path?.slice(0, 100), type, code: error.code, ...describeError(error.cause ?? error) };
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") logger.error("trpc error", fields, error.cause ?? error);
      else logger.info("trpc refused", fields);
    },
  });
  response.headers.set("Cache-Control", "no-store");
  return response;
}
