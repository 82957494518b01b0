import { deletePermission, getPermission, setPermission } from "@/modules/permissions/manage-permission";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const PUT = withApiKey(async ({ db, caller, params, body }) => jsonResponse(await setPermission(db, caller, params.id!, await body())));

export const DELETE = withApiKey(async ({ db, caller, params, body }) => {
  await deletePermission(db, caller, params.id!, await body());
  return new Response(null, { status: 204 });
});

export const GET = withApiKey(async ({ db, caller, params, query }) => jsonResponse(await getPermission(db, caller, params.id!, query())));

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PATCH } = otherMethods({ PUT, DELETE, GET });
