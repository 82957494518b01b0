// Look-alike status labels (CONTRACT §8, issue #15 item 9): labels are compared after NFC + trim, and
// a service cannot hold two labels that differ only by case, accents or Unicode form — refused by
// mapping:set (naming the existing label) and by the database's unique index on the label key.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { migrationsFolder } from "@/db/client";
import { projectLinks, services, statusMappings } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { isAppError } from "@/modules/errors/app-error";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import { setMapping } from "./set-mapping";

let handle: TestDatabase;
let tetId: string;
let mecId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  const rows = await handle.db.select().from(services);
  tetId = rows.find((s) => s.slug === "tet")!.id;
  mecId = rows.find((s) => s.slug === "mec")!.id;
});
afterAll(async () => handle?.destroy());

const nfd = (s: string) => s.normalize("NFD");
const labelsOf = async (serviceId: string) =>
  (await handle.db.select({ label: statusMappings.label }).from(statusMappings).where(eq(statusMappings.serviceId, serviceId))).map((r) => r.label);

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("mapping:set (setMapping)", () => {
  it("a decomposed (NFD) or padded « Réalisé » is the seeded label, not a second one", async () => {
    expect(nfd("Réalisé")).not.toBe("Réalisé");
    const before = await labelsOf(tetId);
    const view = await setMapping(handle.db, { service: "tet", label: ` ${nfd("Réalisé")} `, generique: "TERMINE" }, cliActor);
    expect(view.label).toBe("Réalisé");
    expect(view.isDefault).toBe(true);
    expect((await labelsOf(tetId)).sort()).toEqual(before.sort());
  });

  it("refuses a label that differs from an existing one only by case or accents, naming it", async () => {
    for (const label of ["réalisé", "REALISE", "Realise", nfd("RÉALISÉ")]) {
      const error = await refusal(setMapping(handle.db, { service: "tet", label, generique: "TERMINE" }, cliActor));
      expect(error.code).toBe("conflict");
      expect(error.message).toContain("« Réalisé »");
    }
    await setMapping(handle.db, { service: "mec", label: "brouillon", generique: "TERMINE" }, cliActor);
    const error = await refusal(setMapping(handle.db, { service: "mec", label: "Brouillon", generique: "IDEE" }, cliActor));
    expect(error.message).toMatch(/libellé existant « brouillon »/);
    expect((await labelsOf(mecId)).filter((l) => l.toLowerCase() === "brouillon")).toEqual(["brouillon"]);
    // Another service may use the same spelling.
    await setMapping(handle.db, { service: "tet", label: "Brouillon", generique: "IDEE" }, cliActor);
  });

  it("the database refuses a look-alike written around the module too", async () => {
    await expect(
      handle.db.insert(statusMappings).values({ serviceId: tetId, label: "RÉALISÉ", genericStatus: "TERMINE" }),
    ).rejects.toThrow();
    expect((await labelsOf(tetId)).filter((l) => l.toLowerCase().startsWith("r"))).toEqual(["Réalisé"]);
  });

  it("the API matches an NFD statut to its NFC label, and stores the NFC label", async () => {
    const { key } = await keyFor(handle.db, "tet");
    const created = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key,
      body: { externalId: "nfd-1", nom: "Forme", statut: ` ${nfd("Réalisé")}`, collectivites: [lyon] },
    });
    expect(created.status).toBe(201);
    const [link] = await handle.db.select().from(projectLinks).where(and(eq(projectLinks.projectId, created.body.id), eq(projectLinks.serviceId, tetId)));
    expect(link!.statusLabel).toBe("Réalisé");
  });
});

describe("migration 0016 (look-alike labels)", () => {
  it("reports look-alikes already stored instead of merging them", async () => {
    const file = readFileSync(path.join(migrationsFolder, "0016_status_label_lookalikes.sql"), "utf8");
    const statements = file.split("--> statement-breakpoint");
    const failure = await handle.db
      .transaction(async (tx) => {
        // Back to the schema before the migration, with look-alikes stored by the former code.
        await tx.execute(sql`drop index status_mappings_service_label_key_uq`);
        await tx.execute(sql`alter table status_mappings drop column label_key`);
        await tx.execute(sql`insert into status_mappings (service_id, label, generic_status) values (${tetId}, ${nfd("Réalisé") + "!"}, 'TERMINE'), (${tetId}, 'réalisé!', 'TERMINE')`);
        for (const statement of statements) await tx.execute(sql.raw(statement));
      })
      .then(
        () => null,
        (error: { message?: string; cause?: { message?: string } }) => error,
      );
    const message = (failure?.cause?.message ?? failure?.message ?? "").normalize("NFC");
    expect(message).toContain("ne diffèrent que par la casse");
    expect(message).toContain("tet : ");
    expect(message).toContain("« réalisé! »");
    expect(message).toContain("« Réalisé! »");
    // Rolled back: the schema and the labels are as before.
    expect((await labelsOf(tetId)).some((l) => l.endsWith("!"))).toBe(false);
  });
});
