import { syncPermissions } from "@/modules/permissions/sync-permissions";
import { jsonResponse, PERMISSION_SYNC_BODY_LIMIT_BYTES, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const POST = withApiKey(async ({ db, caller, body }) => jsonResponse(await syncPermissions(db, caller, await body())), {
  maxBodyBytes: PERMISSION_SYNC_BODY_LIMIT_BYTES,
});

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { GET, HEAD, OPTIONS, PUT, DELETE, PATCH } = otherMethods({ POST });
