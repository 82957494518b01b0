// The last active admin can never be demoted or deactivated, from the console or the CLI, and an
// admin demotes themselves only when they confirm (issue #11, "Safety").
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, operators } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { AppError } from "@/modules/errors/app-error";
import { cliActor, type Actor } from "@/modules/audit/write-audit";
import { setOperatorActive } from "@/modules/console/manage-operators";
import { runCommand } from "@/cli/commands";
import { addOperator } from "./add-operator";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.destroy();
});
beforeEach(async () => {
  await t.db.delete(operators);
});

async function insertOperator(email: string, role: "admin" | "lecteur", active = true) {
  const [row] = await t.db.insert(operators).values({ email, role, active }).returning();
  return row!;
}
const actorOf = (o: { id: string; email: string }): Actor => ({ type: "operator", operatorId: o.id, label: o.email });

async function conflictMessage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("conflict");
  return (error as AppError).message;
}

async function roleOf(id: string) {
  return (await t.db.select().from(operators).where(eq(operators.id, id)))[0]!;
}

describe("addOperator (role change)", () => {
  it("refuses to make the last active admin a lecteur, from the console and from the CLI, and changes nothing", async () => {
    const admin = await insertOperator("seule.admin@anct.gouv.fr", "admin");
    const other = await insertOperator("autre@anct.gouv.fr", "lecteur");
    const auditBefore = (await t.db.select().from(auditLog)).length;
    expect(await conflictMessage(addOperator(t.db, { email: "SEULE.ADMIN@anct.gouv.fr", role: "lecteur" }, actorOf(other)))).toMatch(/dernier administrateur actif/);
    expect(await conflictMessage(runCommand(t.db, "operator:add", { email: "seule.admin@anct.gouv.fr", role: "lecteur" }))).toMatch(/dernier administrateur/);
    expect((await roleOf(admin.id)).role).toBe("admin");
    expect((await t.db.select().from(auditLog)).length).toBe(auditBefore);
  });

  it("lets an admin be demoted while another active admin remains, but not by counting an inactive one", async () => {
    const a = await insertOperator("a@anct.gouv.fr", "admin");
    const inactive = await insertOperator("b@anct.gouv.fr", "admin", false);
    expect(await conflictMessage(addOperator(t.db, { email: a.email, role: "lecteur" }, cliActor))).toMatch(/dernier administrateur/);
    await addOperator(t.db, { email: "c@anct.gouv.fr", role: "admin" }, cliActor);
    expect(await addOperator(t.db, { email: a.email, role: "lecteur" }, cliActor)).toMatchObject({ role: "lecteur" });
    expect((await roleOf(inactive.id)).active).toBe(false);
  });

  it("asks an admin who demotes themselves to confirm, then demotes them", async () => {
    const me = await insertOperator("moi@anct.gouv.fr", "admin");
    await insertOperator("collegue@anct.gouv.fr", "admin");
    expect(await conflictMessage(addOperator(t.db, { email: me.email, role: "lecteur" }, actorOf(me)))).toMatch(/confirmez/);
    expect((await roleOf(me.id)).role).toBe("admin");
    await addOperator(t.db, { email: me.email, role: "lecteur", confirmSelfDemotion: true }, actorOf(me));
    expect((await roleOf(me.id)).role).toBe("lecteur");
  });

  it("refuses a confirmed self-demotion of the last admin", async () => {
    const me = await insertOperator("moi@anct.gouv.fr", "admin");
    expect(await conflictMessage(addOperator(t.db, { email: me.email, role: "lecteur", confirmSelfDemotion: true }, actorOf(me)))).toMatch(/dernier administrateur/);
  });

  it("keeps one admin when two admins demote each other at the same time", async () => {
    const a = await insertOperator("a@anct.gouv.fr", "admin");
    const b = await insertOperator("b@anct.gouv.fr", "admin");
    const results = await Promise.allSettled([
      addOperator(t.db, { email: b.email, role: "lecteur" }, actorOf(a)),
      addOperator(t.db, { email: a.email, role: "lecteur" }, actorOf(b)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = (await t.db.select().from(operators)).filter((o) => o.role === "admin" && o.active);
    expect(admins).toHaveLength(1);
  });
});

describe("setOperatorActive", () => {
  it("refuses to deactivate the last active admin, and deactivates an admin when another remains", async () => {
    const a = await insertOperator("a@anct.gouv.fr", "admin");
    const lecteur = await insertOperator("l@anct.gouv.fr", "lecteur");
    expect(await conflictMessage(setOperatorActive(t.db, { operatorId: a.id, active: false }, cliActor))).toMatch(/dernier administrateur actif/);
    expect((await roleOf(a.id)).active).toBe(true);
    await setOperatorActive(t.db, { operatorId: lecteur.id, active: false }, cliActor);
    const b = await insertOperator("b@anct.gouv.fr", "admin");
    await setOperatorActive(t.db, { operatorId: a.id, active: false }, actorOf(b));
    expect((await roleOf(a.id)).active).toBe(false);
    expect(await conflictMessage(setOperatorActive(t.db, { operatorId: b.id, active: false }, cliActor))).toMatch(/dernier administrateur/);
  });
});
