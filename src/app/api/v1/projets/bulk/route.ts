import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { bulkInputSchema } from "@/modules/projects/projet-schemas";
import { upsertProjets } from "@/modules/projects/upsert-projets";
import { BULK_BODY_LIMIT_BYTES, jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { otherMethods } from "@/server/http/route-methods";

export const dynamic = "force-dynamic";

export const POST = withApiKey(
  async ({ db, caller, body }) => {
    const parsed = bulkInputSchema.safeParse(await body());
    if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
    const { results, queued } = await upsertProjets(db, caller, parsed.data.projets, true);
    return jsonResponse({ results }, 201, queued);
  },
  { maxBodyBytes: BULK_BODY_LIMIT_BYTES },
);

// Every other method: 405 in the error envelope with Allow (HEAD follows GET, OPTIONS lists them).
export const { GET, HEAD, OPTIONS, PUT, DELETE, PATCH } = otherMethods({ POST });
