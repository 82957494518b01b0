import { buildOpenApiDocument } from "@/modules/openapi/build-openapi-document";
import { otherMethods } from "@/server/http/route-methods";

// Dynamic: a route that answers other methods (405) cannot be prerendered; the document is built once per process.
export const dynamic = "force-dynamic";

let cached: string | undefined;

const OPENAPI_CACHE_CONTROL = "public, max-age=300";

/** Public: the API's description is not a secret, and integrators fetch it before holding a key. */
export function GET() {
  cached ??= JSON.stringify(buildOpenApiDocument());
  // Short shared cache: a new deployment's document is seen within five minutes (issue #13 part 4).
  return new Response(cached, { headers: { "content-type": "application/json; charset=utf-8", "cache-control": OPENAPI_CACHE_CONTROL } });
}

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = otherMethods({ GET });
