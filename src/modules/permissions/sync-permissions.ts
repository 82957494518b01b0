// POST /permissions/sync (CONTRACT §8, issue #13): a service grants and revokes many permissions in
// one call, all or nothing. The whole list travels as JSON parameters expanded in SQL: one query
// checks the projects, one statement writes every grant and removal (10,000 entries in one round
// trip each, instead of 10,000 calls).
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { combineWrites } from "@/db/combine-writes";
import { AppError, type ValidationIssue } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import type { Caller } from "./check-access";
import { hashEmail } from "./hash-email";
import { PERMISSION_SYNC_MAX_ENTRIES, permissionSyncInputSchema, type Niveau } from "./permission-schemas";

export type PermissionSyncResult = { accordees: number; retirees: number };

type Entry = { list: "accorder" | "retirer"; index: number; projectId: string; emailHash: string; niveau?: Niveau };

/** Refuses an oversized list before validating its entries one by one (a body may hold far more than 10,000). */
function checkSize(raw: unknown): void {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return;
  const lists = raw as { accorder?: unknown; retirer?: unknown };
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  if (count(lists.accorder) + count(lists.retirer) > PERMISSION_SYNC_MAX_ENTRIES) {
    throw AppError.validation([{ path: "(corps)", message: `de 1 à ${PERMISSION_SYNC_MAX_ENTRIES} entrées en tout (accorder et retirer)` }]);
  }
}

/** The validated entries, emails hashed and project ids lower-cased; every failing path at once. */
function parseEntries(raw: unknown, emailHashSecret: string): Entry[] {
  checkSize(raw);
  const parsed = permissionSyncInputSchema.safeParse(raw);
  if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error));
  // A sync names the same people on many projects: each address is hashed once per call.
  const hashes = new Map<string, string>();
  const hashOf = (email: string) => {
    let hash = hashes.get(email);
    if (hash === undefined) hashes.set(email, (hash = hashEmail(email, emailHashSecret)));
    return hash;
  };
  const entries: Entry[] = [
    ...(parsed.data.accorder ?? []).map((e, index) => ({
      list: "accorder" as const,
      index,
      projectId: e.projetId.toLowerCase(),
      emailHash: hashOf(e.email),
      niveau: e.niveau,
    })),
    ...(parsed.data.retirer ?? []).map((e, index) => ({ list: "retirer" as const, index, projectId: e.projetId.toLowerCase(), emailHash: hashOf(e.email) })),
  ];
  // One (project, person) once in the whole call: two entries for it would contradict each other or
  // say the same thing twice, and "all or nothing" must not depend on their order.
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, Entry>();
  for (const entry of entries) {
    const key = `${entry.projectId}|${entry.emailHash}`;
    const first = seen.get(key);
    if (first) issues.push({ path: `${entry.list}.${entry.index}.email`, message: `même personne et même projet qu'en ${first.list}.${first.index}` });
    else seen.set(key, entry);
  }
  if (issues.length > 0) throw AppError.validation(issues);
  return entries;
}

/**
 * Applies the calling service's grants (`accorder`: insert or change its own grant) and removals
 * (`retirer`: its own grant only; absent is fine), all or nothing, in one transaction.
 *
 * @param raw the request body `{accorder?, retirer?}` (1..10,000 entries in all).
 * @returns `{accordees, retirees}`: the number of entries of each list applied; a repeated call
 *   answers the same and leaves the same state (idempotent).
 * @throws AppError `validation_failed` listing every failing path (`accorder.12.email`);
 *   `forbidden` with `details.projets` (sorted ids) when the caller is not linked to some projects
 *   (unknown ids included), or when the acting user (X-User-Email) lacks WRITE on some.
 */
export async function syncPermissions(db: Db, caller: Caller, raw: unknown): Promise<PermissionSyncResult> {
  const entries = parseEntries(raw, caller.emailHashSecret);
  const projectIds = JSON.stringify([...new Set(entries.map((e) => e.projectId))]);
  const now = new Date().toISOString();
  return db.transaction(async (tx) => {
    const checked = rowsOf<{ id: string; linked: boolean; user_may: boolean }>(
      await tx.execute(sql`
        select v.id::text as id,
          exists(select 1 from project_links l where l.project_id = v.id and l.service_id = ${caller.serviceId}::uuid) as linked,
          ${caller.userHash}::text is null
            or exists(select 1 from projects p where p.id = v.id and p.porteur_email_hash = ${caller.userHash}::text)
            or exists(select 1 from project_permissions pp
                      where pp.project_id = v.id and pp.email_hash = ${caller.userHash}::text and pp.niveau = 'WRITE') as user_may
        from (select distinct e::uuid as id from jsonb_array_elements_text(${projectIds}::jsonb) as e) as v
        order by 1`),
    );
    const notLinked = checked.filter((r) => !r.linked).map((r) => r.id);
    if (notLinked.length > 0) {
      throw new AppError("forbidden", "Le service appelant n'est pas lié à certains projets : rien n'a été écrit.", { projets: notLinked });
    }
    const userDenied = checked.filter((r) => !r.user_may).map((r) => r.id);
    if (userDenied.length > 0) {
      throw new AppError("forbidden", "L'utilisateur indiqué par X-User-Email n'a pas la permission WRITE sur certains projets : rien n'a été écrit.", {
        projets: userDenied,
      });
    }

    const grants = entries.filter((e) => e.list === "accorder");
    const removals = entries.filter((e) => e.list === "retirer");
    const grantRows = JSON.stringify(grants.map((e) => ({ project_id: e.projectId, email_hash: e.emailHash, niveau: e.niveau })));
    const removalRows = JSON.stringify(removals.map((e) => ({ project_id: e.projectId, email_hash: e.emailHash })));
    await tx.execute(
      combineWrites([
        {
          name: "granted",
          // In key order, so that two concurrent syncs over the same grants cannot deadlock; an
          // unchanged level is not rewritten.
          statement: sql`
            insert into project_permissions (project_id, email_hash, niveau, granted_by_service_id, created_at, updated_at)
            select project_id, email_hash, niveau, ${caller.serviceId}::uuid, ${now}::timestamptz, ${now}::timestamptz
            from jsonb_to_recordset(${grantRows}::jsonb) as v(project_id uuid, email_hash text, niveau text)
            order by project_id, email_hash
            on conflict (project_id, email_hash, granted_by_service_id)
              do update set niveau = excluded.niveau, updated_at = excluded.updated_at
              where project_permissions.niveau is distinct from excluded.niveau`,
        },
        {
          name: "removed",
          statement: sql`
            delete from project_permissions as p
            using jsonb_to_recordset(${removalRows}::jsonb) as v(project_id uuid, email_hash text)
            where p.project_id = v.project_id and p.email_hash = v.email_hash and p.granted_by_service_id = ${caller.serviceId}::uuid`,
        },
      ]),
    );
    return { accordees: grants.length, retirees: removals.length };
  });
}
