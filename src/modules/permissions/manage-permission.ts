// PUT/DELETE/GET /projets/{id}/permissions. Only a linked service may grant or revoke; emails are
// turned into their HMAC at once and never stored, logged or returned. Each service manages its own
// grant (CONTRACT §8): PUT sets it, DELETE removes it and leaves other services' grants standing, GET
// answers the highest level among the grants that stand.
import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { projectPermissions, projects } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { toQueryIssues, toValidationIssues } from "@/modules/errors/zod-issues";
import { loadProjects } from "@/modules/projects/store-projects";
import { forbiddenNotLinked, higherLevel, requireUserLevel, type Caller } from "./check-access";
import { hashEmail } from "./hash-email";
import { deletePermissionInputSchema, permissionQuerySchema, setPermissionInputSchema, type Niveau } from "./permission-schemas";

function parse<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: import("zod").ZodError } }, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  return parsed.data;
}

async function requireLinkedProject(db: DbOrTx, caller: Caller, projectId: string) {
  const state = (await loadProjects(db, [projectId])).get(projectId);
  if (!state) throw new AppError("not_found", "Projet introuvable.");
  if (!state.links.some((l) => l.serviceId === caller.serviceId)) throw forbiddenNotLinked();
  await requireUserLevel(db, caller, state.row, "WRITE");
  return state;
}

export async function setPermission(db: Db, caller: Caller, projectId: string, raw: unknown): Promise<{ niveau: Niveau }> {
  const input = parse(setPermissionInputSchema, raw);
  return db.transaction(async (tx) => {
    await requireLinkedProject(tx, caller, projectId);
    const now = new Date();
    await tx
      .insert(projectPermissions)
      .values({ projectId, emailHash: hashEmail(input.email, caller.emailHashSecret), niveau: input.niveau, grantedByServiceId: caller.serviceId, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [projectPermissions.projectId, projectPermissions.emailHash, projectPermissions.grantedByServiceId],
        set: { niveau: input.niveau, updatedAt: now },
      });
    return { niveau: input.niveau };
  });
}

/**
 * Removes the calling service's grant to that person on the project (204 also when absent). Another
 * service's grant stays: a service cannot revoke what it did not grant (CONTRACT §8); the person
 * keeps the level of the grants that remain. Erasure (`/utilisateurs/effacement`) removes them all.
 */
export async function deletePermission(db: Db, caller: Caller, projectId: string, raw: unknown): Promise<void> {
  const input = parse(deletePermissionInputSchema, raw);
  await db.transaction(async (tx) => {
    await requireLinkedProject(tx, caller, projectId);
    await tx
      .delete(projectPermissions)
      .where(
        and(
          eq(projectPermissions.projectId, projectId),
          eq(projectPermissions.emailHash, hashEmail(input.email, caller.emailHashSecret)),
          eq(projectPermissions.grantedByServiceId, caller.serviceId),
        ),
      );
  });
}

/** The level a person holds on a project: the highest of the grants of every service (porteur → WRITE); 404 when none. */
export async function getPermission(db: Db, caller: Caller, projectId: string, rawQuery: unknown): Promise<{ niveau: Niveau }> {
  const parsed = permissionQuerySchema.safeParse(rawQuery);
  if (!parsed.success) throw AppError.validation(toQueryIssues(parsed.error));
  const { email } = parsed.data;
  const [project] = await db
    .select({ id: projects.id, porteurEmailHash: projects.porteurEmailHash })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new AppError("not_found", "Projet introuvable.");
  await requireUserLevel(db, caller, project, "READ");
  const hash = hashEmail(email, caller.emailHashSecret);
  if (project.porteurEmailHash === hash) return { niveau: "WRITE" };
  const rows = await db
    .select({ niveau: projectPermissions.niveau })
    .from(projectPermissions)
    .where(and(eq(projectPermissions.projectId, projectId), eq(projectPermissions.emailHash, hash)));
  if (rows.length === 0) throw new AppError("not_found", "Cette personne n'a aucune permission sur ce projet.");
  return { niveau: rows.reduce<Niveau>((level, row) => higherLevel(level, row.niveau), "READ") };
}
