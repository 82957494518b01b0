import { AppError } from "@/modules/errors/app-error";
import { toQueryIssues } from "@/modules/errors/zod-issues";
import { listProjetsJson } from "@/modules/projects/list-projets";
import { listQuerySchema } from "@/modules/projects/projet-schemas";
import { upsertProjets } from "@/modules/projects/upsert-projets";
import { jsonResponse, jsonTextResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async ({ db, caller, query }) => {
  const parsed = listQuerySchema.safeParse(query());
  if (!parsed.success) throw AppError.validation(toQueryIssues(parsed.error));
  return jsonTextResponse(await listProjetsJson(db, caller, parsed.data));
});

export const POST = withApiKey(async ({ db, caller, body }) => {
  const { results, queued } = await upsertProjets(db, caller, [await body()], false);
  const result = results[0]!;
  return jsonResponse(result, result.created ? 201 : 200, queued);
});

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { HEAD, OPTIONS, PUT, DELETE, PATCH } = otherMethods({ GET, POST });
