// The status catalog cached per `catalog_version`: reused while nothing changed, reloaded as soon as
// a service or a mapping changes, whoever changes it (the version moves in the same transaction).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { runCommand } from "@/cli/commands";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { cliActor } from "@/modules/audit/write-audit";
import { setMapping } from "@/modules/mappings/set-mapping";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import * as projets from "@/app/api/v1/projets/route";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import { loadStatusCatalog } from "./load-status-catalog";

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
});
afterAll(async () => handle?.destroy());

const currentVersion = async () =>
  Number(rowsOf<{ version: string | number }>(await handle.db.execute(sql`select version from catalog_version`))[0]!.version);

describe("loadStatusCatalog", () => {
  it("reuses the catalog while the version holds and reloads it when a mapping or a service changes", async () => {
    const v1 = await currentVersion();
    const first = await loadStatusCatalog(handle.db, { catalogVersion: v1 });
    expect(await loadStatusCatalog(handle.db, { catalogVersion: v1 })).toBe(first);

    await setMapping(handle.db, { service: "tet", label: "Mise en pause", generique: "IMPACTE" }, cliActor);
    const v2 = await currentVersion();
    expect(v2).toBeGreaterThan(v1);
    const second = await loadStatusCatalog(handle.db, { catalogVersion: v2 });
    expect(second).not.toBe(first);
    const tet = [...second.services.values()].find((s) => s.slug === "tet")!;
    expect(tet.labels.get("Mise en pause")).toBe("IMPACTE");

    await runCommand(handle.db, "service:create", { slug: "nouveau-service", nom: "Nouveau service" });
    const v3 = await currentVersion();
    expect(v3).toBeGreaterThan(v2);
    const third = await loadStatusCatalog(handle.db, { catalogVersion: v3 });
    expect([...third.services.values()].map((s) => s.slug)).toContain("nouveau-service");
  });
});

describe("POST /api/v1/projets", () => {
  it("accepts a label mapped a moment ago, between two calls of the same key (catalog cache)", async () => {
    const mec = await keyFor(handle.db, "mec");
    const body = (externalId: string) => ({ externalId, nom: "Projet", collectivites: [lyon], statut: "Label tout neuf" });
    const before = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec.key, body: body("cat-1") });
    expect(before.status).toBe(422);
    await setMapping(handle.db, { service: "mec", label: "Label tout neuf", generique: "EN_COURS" }, cliActor);
    const after = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec.key, body: body("cat-1") });
    expect(after.status).toBe(201);
  });
});
