import { listStatuts } from "@/modules/statuses/list-statuts";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async ({ db, caller }) => jsonResponse(await listStatuts(db, caller.serviceId)));
