// POST /utilisateurs/retrait (CONTRACT §8, issue #13): a person leaves a service (PROGAP's "close
// licence"). Only the grants that the calling service made go; other services' grants and the
// porteur référent's implicit WRITE stay. Not an erasure: nothing is announced, no project changes.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { projectPermissions } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import type { Caller } from "./check-access";
import { hashEmail } from "./hash-email";
import { withdrawalInputSchema } from "./permission-schemas";

/**
 * Removes every permission the calling service granted to that person, on every project.
 * @param raw the request body `{email}`.
 * @returns `{permissionsSupprimees}`: how many of the caller's grants were removed (0 on a repeat).
 * @throws AppError `validation_failed` on a malformed body.
 */
export async function withdrawUser(db: Db, caller: Caller, raw: unknown): Promise<{ permissionsSupprimees: number }> {
  const parsed = withdrawalInputSchema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  const removed = await db
    .delete(projectPermissions)
    .where(and(eq(projectPermissions.emailHash, hashEmail(parsed.data.email, caller.emailHashSecret)), eq(projectPermissions.grantedByServiceId, caller.serviceId)))
    .returning({ projectId: projectPermissions.projectId });
  return { permissionsSupprimees: removed.length };
}
