import { getProjet } from "@/modules/projects/get-projet";
import { patchProjet } from "@/modules/projects/patch-projet";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async ({ db, caller, params }) => jsonResponse(await getProjet(db, caller, params.id!)));

export const PATCH = withApiKey(async ({ db, caller, params, body }) => {
  const { result, queued } = await patchProjet(db, caller, params.id!, await body());
  return jsonResponse(result, 200, queued);
});

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PUT, DELETE } = otherMethods({ GET, PATCH });
