import { withdrawUser } from "@/modules/permissions/withdraw-user";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const POST = withApiKey(async ({ db, caller, body }) => jsonResponse(await withdrawUser(db, caller, await body())));

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { GET, HEAD, OPTIONS, PUT, DELETE, PATCH } = otherMethods({ POST });
