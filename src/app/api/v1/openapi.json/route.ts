import { buildOpenApiDocument } from "@/modules/openapi/build-openapi-document";

export const dynamic = "force-static";

let cached: string | undefined;

/** Public: the API's description is not a secret, and integrators fetch it before holding a key. */
export function GET() {
  cached ??= JSON.stringify(buildOpenApiDocument());
  return new Response(cached, { headers: { "content-type": "application/json; charset=utf-8" } });
}
