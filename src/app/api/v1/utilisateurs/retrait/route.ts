import { withdrawUser } from "@/modules/permissions/withdraw-user";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";

export const dynamic = "force-dynamic";

export const POST = withApiKey(async ({ db, caller, body }) => jsonResponse(await withdrawUser(db, caller, await body())));
