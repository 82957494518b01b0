import { linkExternalId } from "@/modules/projects/link-external-id";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";

export const dynamic = "force-dynamic";

export const PUT = withApiKey(async ({ db, caller, params, body }) => {
  const { result, queued } = await linkExternalId(db, caller, params.id!, await body());
  return jsonResponse(result, 200, queued);
});
