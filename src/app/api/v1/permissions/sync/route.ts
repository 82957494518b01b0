import { syncPermissions } from "@/modules/permissions/sync-permissions";
import { jsonResponse, PERMISSION_SYNC_BODY_LIMIT_BYTES, withApiKey } from "@/server/http/with-api-key";

export const dynamic = "force-dynamic";

export const POST = withApiKey(async ({ db, caller, body }) => jsonResponse(await syncPermissions(db, caller, await body())), {
  maxBodyBytes: PERMISSION_SYNC_BODY_LIMIT_BYTES,
});
