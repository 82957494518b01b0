// PUT/DELETE/GET /projets/{id}/permissions. Only a linked service may grant or revoke; emails are
// turned into their HMAC at once and never stored, logged or returned.
import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { projectPermissions, projects } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { loadProjects } from "@/modules/projects/store-projects";
import { forbiddenNotLinked, requireUserLevel, type Caller } from "./check-access";
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
      .values({ projectId, emailHash: hashEmail(input.email), niveau: input.niveau, grantedByServiceId: caller.serviceId, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [projectPermissions.projectId, projectPermissions.emailHash],
        set: { niveau: input.niveau, grantedByServiceId: caller.serviceId, updatedAt: now },
      });
    return { niveau: input.niveau };
  });
}

export async function deletePermission(db: Db, caller: Caller, projectId: string, raw: unknown): Promise<void> {
  const input = parse(deletePermissionInputSchema, raw);
  await db.transaction(async (tx) => {
    await requireLinkedProject(tx, caller, projectId);
    await tx
      .delete(projectPermissions)
      .where(and(eq(projectPermissions.projectId, projectId), eq(projectPermissions.emailHash, hashEmail(input.email))));
  });
}

/** The level a person holds on a project (porteur → WRITE); 404 when none. */
export async function getPermission(db: Db, caller: Caller, projectId: string, rawQuery: unknown): Promise<{ niveau: Niveau }> {
  const { email } = parse(permissionQuerySchema, rawQuery);
  const [project] = await db
    .select({ id: projects.id, porteurEmailHash: projects.porteurEmailHash })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new AppError("not_found", "Projet introuvable.");
  await requireUserLevel(db, caller, project, "READ");
  const hash = hashEmail(email);
  if (project.porteurEmailHash === hash) return { niveau: "WRITE" };
  const [row] = await db
    .select({ niveau: projectPermissions.niveau })
    .from(projectPermissions)
    .where(and(eq(projectPermissions.projectId, projectId), eq(projectPermissions.emailHash, hash)));
  if (!row) throw new AppError("not_found", "Cette personne n'a aucune permission sur ce projet.");
  return { niveau: row.niveau };
}
