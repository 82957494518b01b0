import { linkExternalId } from "@/modules/projects/link-external-id";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const PUT = withApiKey(async ({ db, caller, params, body }) => {
  const { result, queued } = await linkExternalId(db, caller, params.id!, await body());
  return jsonResponse(result, 200, queued);
});

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { GET, HEAD, OPTIONS, POST, DELETE, PATCH } = otherMethods({ PUT });
