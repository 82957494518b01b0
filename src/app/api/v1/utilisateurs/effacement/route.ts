import { eraseUser } from "@/modules/personal-data/erase-user";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";

export const dynamic = "force-dynamic";

export const POST = withApiKey(async ({ db, caller, body }) => {
  const { result, queued } = await eraseUser(db, caller, await body());
  return jsonResponse(result, 200, queued);
});
