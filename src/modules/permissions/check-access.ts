// Who may read or write a project: the service itself (reads always; writes only when linked) or,
// when the call names an acting user (X-User-Email), that user's permission on the project.
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { projectPermissions } from "@/db/schema";
import { AppError } from "@/modules/errors/app-error";
import type { Niveau } from "./permission-schemas";

export type Caller = {
  serviceId: string;
  slug: string;
  /** HMAC of the X-User-Email header, or null when the call acts as the service itself. */
  userHash: string | null;
  /**
   * The hub's EMAIL_HASH_SECRET, given by the adapter that authenticated the call: every email the
   * call names (a grant's user, a porteur, an erasure) is hashed with it (hash-email.ts), and the
   * domain modules never read settings themselves (issue #16).
   */
  emailHashSecret: string;
  /** `catalog_version` read with the API key: lets the status catalog cached in process be reused. */
  catalogVersion?: number;
};

type ProjectForAccess = { id: string; porteurEmailHash: string | null };

/**
 * The acting user's level on each project, in one query: the highest of the grants that stand
 * (one per granting service, CONTRACT §8), and WRITE for the porteur référent.
 */
export async function userLevels(db: DbOrTx, userHash: string, projectRows: ProjectForAccess[]): Promise<Map<string, Niveau>> {
  const levels = new Map<string, Niveau>();
  if (projectRows.length === 0) return levels;
  const rows = await db
    .select({ projectId: projectPermissions.projectId, niveau: projectPermissions.niveau })
    .from(projectPermissions)
    .where(and(eq(projectPermissions.emailHash, userHash), inArray(projectPermissions.projectId, projectRows.map((p) => p.id))));
  for (const row of rows) levels.set(row.projectId, higherLevel(levels.get(row.projectId), row.niveau));
  for (const p of projectRows) if (p.porteurEmailHash && p.porteurEmailHash === userHash) levels.set(p.id, "WRITE");
  return levels;
}

/** The higher of two levels (WRITE implies READ). */
export function higherLevel(a: Niveau | undefined, b: Niveau): Niveau {
  return a === "WRITE" || b === "WRITE" ? "WRITE" : "READ";
}

export function allows(level: Niveau | undefined, needed: Niveau): boolean {
  return level === "WRITE" || (needed === "READ" && level === "READ");
}

/** Throws 403 unless the acting user (if any) holds `needed` on the project. */
export async function requireUserLevel(db: DbOrTx, caller: Caller, project: ProjectForAccess, needed: Niveau): Promise<void> {
  if (!caller.userHash) return;
  const level = (await userLevels(db, caller.userHash, [project])).get(project.id);
  if (!allows(level, needed)) {
    throw new AppError(
      "forbidden",
      needed === "WRITE"
        ? "L'utilisateur indiqué par X-User-Email n'a pas la permission WRITE sur ce projet."
        : "L'utilisateur indiqué par X-User-Email n'a aucune permission sur ce projet.",
    );
  }
}

export function forbiddenNotLinked(): AppError {
  return new AppError("forbidden", "Le service appelant n'est pas lié à ce projet : il ne peut pas le modifier.");
}
