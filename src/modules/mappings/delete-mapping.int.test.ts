// mappings.delete (issue #11): a label still carried by projects is not deleted unless they move to
// another label of the same generic status; the default moves with them; every deletion is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { auditLog, projectLinks, statusMappings } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { isAppError } from "@/modules/errors/app-error";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import { deleteMapping } from "./delete-mapping";
import { setMapping } from "./set-mapping";

let handle: TestDatabase;
let tetId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  const { key, serviceId } = await keyFor(handle.db, "tet");
  tetId = serviceId;
  for (const [externalId, statut] of [["d-1", "En retard"], ["d-2", "En retard"], ["d-3", "Bloqué"]] as const) {
    const created = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body: { externalId, nom: `Projet ${externalId}`, statut, collectivites: [lyon] } });
    expect(created.status).toBe(201);
  }
});
afterAll(async () => handle?.destroy());

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}
const mapping = async (label: string) =>
  (await handle.db.select().from(statusMappings).where(and(eq(statusMappings.serviceId, tetId), eq(statusMappings.label, label))))[0];
const labelsOfLinks = async () => (await handle.db.select({ label: projectLinks.statusLabel }).from(projectLinks).where(eq(projectLinks.serviceId, tetId))).map((l) => l.label).sort();
const lastAudit = async () => (await handle.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]!;

describe("mappings.delete (deleteMapping)", () => {
  it("refuses to delete a label still used by projects, saying how many and what to do", async () => {
    const error = await refusal(deleteMapping(handle.db, { service: "tet", label: "En retard" }, cliActor));
    expect(error.code).toBe("conflict");
    expect(error.message).toBe(
      "Le libellé « En retard » est encore celui de 2 projets : choisissez un autre libellé du statut « Impacté (en retard, en pause, bloqué) » vers lequel les déplacer.",
    );
    expect(await mapping("En retard")).toBeDefined();
  });

  it("refuses to move projects to a label of another generic status, to an unknown label, or to itself", async () => {
    for (const [moveTo, text] of [["Réalisé", "ne correspond pas au même statut générique"], ["Inconnu", "pas de libellé « Inconnu »"], ["En retard", "un autre libellé"]]) {
      const error = await refusal(deleteMapping(handle.db, { service: "tet", label: "En retard", moveTo }, cliActor));
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain(text);
    }
    expect(await labelsOfLinks()).toEqual(["Bloqué", "En retard", "En retard"]);
  });

  it("moves the projects to the chosen label, which becomes the default, and audits it", async () => {
    expect((await mapping("En retard"))!.isDefault).toBe(true);
    const result = await deleteMapping(handle.db, { service: "tet", label: "En retard", moveTo: "En pause" }, cliActor);
    expect(result).toEqual({ service: "tet", label: "En retard", generique: "IMPACTE", movedProjects: 2, newDefault: "En pause" });
    expect(await mapping("En retard")).toBeUndefined();
    expect((await mapping("En pause"))!.isDefault).toBe(true);
    expect(await labelsOfLinks()).toEqual(["Bloqué", "En pause", "En pause"]);
    const audit = await lastAudit();
    expect(audit).toMatchObject({
      action: "status_mapping.delete",
      targetType: "service",
      targetId: tetId,
      before: { label: "En retard", generique: "IMPACTE", isDefault: true, projets: 2 },
      after: { deplacesVers: "En pause", projetsDeplaces: 2, nouveauDefaut: "En pause" },
    });
  });

  it("deletes an unused label at once, and says an unknown one is unknown", async () => {
    await setMapping(handle.db, { service: "tet", label: "Suspendu", generique: "IMPACTE" }, cliActor);
    const result = await deleteMapping(handle.db, { service: "tet", label: "Suspendu" }, cliActor);
    expect(result).toMatchObject({ movedProjects: 0, newDefault: null });
    expect(await mapping("Suspendu")).toBeUndefined();
    expect((await lastAudit()).before).toMatchObject({ label: "Suspendu", projets: 0 });
    const error = await refusal(deleteMapping(handle.db, { service: "tet", label: "Suspendu" }, cliActor));
    expect(error.code).toBe("not_found");
  });
});

describe("mappings.set (setMapping): a new default names the label it replaces", () => {
  it("returns and audits the former default", async () => {
    const view = await setMapping(handle.db, { service: "tet", label: "Bloqué", generique: "IMPACTE", isDefault: true }, cliActor);
    expect(view.replacedDefault).toBe("En pause");
    expect((await lastAudit()).after).toMatchObject({ label: "Bloqué", isDefault: true, ancienDefaut: "En pause" });
    const again = await setMapping(handle.db, { service: "tet", label: "Bloqué", generique: "IMPACTE", isDefault: true }, cliActor);
    expect(again.replacedDefault).toBeNull();
  });
});
