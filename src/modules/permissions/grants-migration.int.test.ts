// The migration to one grant per granting service) keeps the permissions stored before it: each row
// keeps its granting service, and one whose service had been cleared goes to the project's creator.
// Run on an embedded database migrated in two steps (the migrations before it, rows, then the rest).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { migrationsFolder, openDatabase, rowsOf, type DatabaseHandle } from "@/db/client";

/** By name, not number: migrations are renumbered when branches merge. */
const NAME = "_permission_grants_per_service";
let handle: DatabaseHandle | undefined;
let folder: string | undefined;

afterAll(async () => {
  await handle?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("migration permission_grants_per_service", () => {
  it("keeps existing grants, their levels and granting services", async () => {
    const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag.endsWith(NAME));
    expect(at).toBeGreaterThan(0);
    folder = mkdtempSync(path.join(tmpdir(), "lc-migrations-"));
    cpSync(migrationsFolder, folder, { recursive: true });
    writeFileSync(path.join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));

    handle = await openDatabase({ dataDir: "memory://", migrate: false });
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder: folder });
    const db = handle.db;
    const [mec, tet] = rowsOf<{ id: string }>(await db.execute(sql`select id from services where slug in ('mec', 'tet') order by slug`));
    const [p1] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into projects (nom, collectivites, created_by_service_id) values ('Un', '[]', ${mec!.id}) returning id`),
    );
    await db.execute(sql`insert into project_permissions (project_id, email_hash, niveau, granted_by_service_id) values
      (${p1!.id}, 'h1', 'READ', ${tet!.id}), (${p1!.id}, 'h2', 'WRITE', null)`);

    await migrate(handle.db as never, { migrationsFolder });
    const rows = rowsOf<{ email_hash: string; niveau: string; granted_by_service_id: string }>(
      await db.execute(sql`select email_hash, niveau, granted_by_service_id from project_permissions order by email_hash`),
    );
    expect(rows).toEqual([
      { email_hash: "h1", niveau: "READ", granted_by_service_id: tet!.id },
      { email_hash: "h2", niveau: "WRITE", granted_by_service_id: mec!.id },
    ]);
    // The same person may now hold a grant from each service on one project.
    await db.execute(sql`insert into project_permissions (project_id, email_hash, niveau, granted_by_service_id) values (${p1!.id}, 'h1', 'WRITE', ${mec!.id})`);
  });
});
