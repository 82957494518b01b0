import { listStatuts } from "@/modules/statuses/list-statuts";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async ({ db, caller }) => jsonResponse(await listStatuts(db, caller.serviceId)));

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = otherMethods({ GET });
