// Connected-service agents (issue #12, CONTRACT §8): the CLI's `agent:add` / `agent:remove`, their
// audit (never the email), the erasure that removes a person's grants, sessions that resolve to an
// agent (and end when the last grant goes), and ProConnect's sign-in rules for agents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { useDatabase } from "@/db";
import { auditLog, operators, serviceAgents, sessions, users } from "@/db/schema";
import { runCommand } from "@/cli/commands";
import { AppError } from "@/modules/errors/app-error";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor } from "@/app/api/v1/testing/api-test-kit";
import * as effacement from "@/app/api/v1/utilisateurs/effacement/route";
import { loadConsoleSession } from "@/server/auth/load-operator-session";
import { checkSignIn } from "@/server/auth/check-sign-in";
import { listAgentGrants } from "./list-agent-grants";
import { requireAgentAccess } from "./require-agent-access";
import { hashSessionToken } from "@/server/auth/hash-session-token";

let t: TestDatabase;
const idToken = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;
const accepted = { admin: ["eidas1-mfa", "eidas2"], lecteur: ["eidas1", "eidas1-mfa", "eidas2"] };

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
});
afterAll(async () => {
  await t?.destroy();
});

async function expectAppError(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (pattern) expect(`${(error as AppError).message} ${JSON.stringify((error as AppError).details ?? "")}`).toMatch(pattern);
}

async function newSession(token: string, email: string) {
  const [user] = await t.db.insert(users).values({ email }).onConflictDoUpdate({ target: users.email, set: { email } }).returning();
  const now = Date.now();
  await t.db.insert(sessions).values({ sessionToken: hashSessionToken(token), userId: user!.id, createdAt: new Date(now), expires: new Date(now + 30 * 60_000) });
}

describe("agent:add / agent:remove", () => {
  it("grants a person (email normalised) a level on a service, changes the level on a second call, and audits without the email", async () => {
    const first = await runCommand(t.db, "agent:add", { service: "tet", email: "  Referente@TET.fr ", niveau: "lecture" });
    expect(first).toEqual({ agent: { id: expect.any(String), service: "tet", email: "referente@tet.fr", niveau: "lecture" } });
    const second = await runCommand(t.db, "agent:add", { service: "tet", email: "referente@tet.fr", niveau: "gestion" });
    expect(second).toEqual({ agent: { ...(first.agent as object), niveau: "gestion" } });
    expect(await t.db.select().from(serviceAgents)).toHaveLength(1);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.targetType, "service_agent")).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.actorType, e.before, e.after])).toEqual([
      ["agent.add", "cli", null, { service: "tet", niveau: "lecture" }],
      ["agent.update", "cli", { service: "tet", niveau: "lecture" }, { service: "tet", niveau: "gestion" }],
    ]);
    expect(JSON.stringify(entries).toLowerCase()).not.toContain("referente@tet.fr");
  });

  it("removes a grant, once ({removed: true} then false), and audits the removal", async () => {
    await runCommand(t.db, "agent:add", { service: "mec", email: "passager@mec.fr", niveau: "lecture" });
    expect(await runCommand(t.db, "agent:remove", { service: "mec", email: "PASSAGER@mec.fr" })).toEqual({ removed: true });
    expect(await runCommand(t.db, "agent:remove", { service: "mec", email: "passager@mec.fr" })).toEqual({ removed: false });
    expect(await listAgentGrants(t.db, "passager@mec.fr")).toEqual([]);
    const removals = await t.db.select().from(auditLog).where(eq(auditLog.action, "agent.remove"));
    expect(removals).toHaveLength(1);
    expect(removals[0]!.before).toEqual({ service: "mec", niveau: "lecture" });
  });

  it("refuses an unknown service, a bad email or level, and missing flags, naming the flag", async () => {
    await expectAppError(runCommand(t.db, "agent:add", { service: "inconnu", email: "a@b.fr", niveau: "lecture" }), "not_found", /inconnu/);
    await expectAppError(runCommand(t.db, "agent:add", { service: "tet", email: "pas-un-email", niveau: "lecture" }), "validation_failed", /--email/);
    await expectAppError(runCommand(t.db, "agent:add", { service: "tet", email: "a@b.fr", niveau: "admin" }), "validation_failed", /--niveau/);
    await expectAppError(runCommand(t.db, "agent:remove", { service: "tet" }), "validation_failed", /--email/);
    await expectAppError(runCommand(t.db, "agent:remove", { service: "inconnu", email: "a@b.fr" }), "not_found");
  });
});

describe("the space's guard", () => {
  it("allows the own service at or below the level held, refuses another service and a level above", async () => {
    await runCommand(t.db, "agent:add", { service: "recoco", email: "lectrice@recoco.fr", niveau: "lecture" });
    const grants = await listAgentGrants(t.db, "lectrice@recoco.fr");
    const recoco = grants[0]!.serviceId;
    expect(requireAgentAccess(grants, recoco, "lecture")).toMatchObject({ slug: "recoco", niveau: "lecture" });
    expect(() => requireAgentAccess(grants, recoco, "gestion")).toThrow(expect.objectContaining({ code: "forbidden" }));
    const [tet] = await listAgentGrants(t.db, "referente@tet.fr");
    expect(() => requireAgentAccess(grants, tet!.serviceId, "lecture")).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(requireAgentAccess([tet!], tet!.serviceId, "gestion")).toMatchObject({ slug: "tet" });
  });
});

describe("agent sessions and sign-in", () => {
  it("resolves a session to an agent with their grants, and ends it when the last grant is withdrawn", async () => {
    await runCommand(t.db, "agent:add", { service: "aides-territoires", email: "session@at.fr", niveau: "lecture" });
    await newSession("t-agent", "session@at.fr");
    const session = await loadConsoleSession(t.db, "t-agent");
    expect(session?.operator).toBeNull();
    expect(session?.agent?.grants.map((g) => [g.slug, g.niveau])).toEqual([["aides-territoires", "lecture"]]);
    await runCommand(t.db, "agent:remove", { service: "aides-territoires", email: "session@at.fr" });
    expect(await loadConsoleSession(t.db, "t-agent")).toBeNull();
    expect(await t.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("t-agent")))).toEqual([]);
  });

  it("gives a person who is both operator and agent both identities", async () => {
    await t.db.insert(operators).values({ email: "double@anct.gouv.fr", role: "lecteur" });
    await runCommand(t.db, "agent:add", { service: "tet", email: "double@anct.gouv.fr", niveau: "lecture" });
    await newSession("t-double", "double@anct.gouv.fr");
    const session = await loadConsoleSession(t.db, "t-double");
    expect(session?.operator?.role).toBe("lecteur");
    expect(session?.agent?.grants.map((g) => g.slug)).toEqual(["tet"]);
  });

  it("lets an agent in at the lecteurs' acr for lecture grants, asks MFA when one grant is gestion, refuses others", async () => {
    expect(await checkSignIn(t.db, { email: "Lectrice@recoco.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted })).toEqual({ allowed: true, operatorId: null });
    expect(await checkSignIn(t.db, { email: "referente@tet.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted })).toEqual({ allowed: false, reason: "mfa_requise" });
    expect(await checkSignIn(t.db, { email: "referente@tet.fr", idToken: idToken({ acr: "eidas1-mfa" }), acceptedAcr: accepted })).toEqual({ allowed: true, operatorId: null });
    expect(await checkSignIn(t.db, { email: "lectrice@recoco.fr", idToken: idToken({ acr: "eidas0" }), acceptedAcr: accepted })).toEqual({ allowed: false, reason: "niveau_insuffisant" });
    expect(await checkSignIn(t.db, { email: "personne@ailleurs.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted })).toEqual({ allowed: false, reason: "non_operateur" });
  });
});

describe("erasure (POST /api/v1/utilisateurs/effacement)", () => {
  it("removes every grant of the person, on every service, and their space session ends", async () => {
    await runCommand(t.db, "agent:add", { service: "mec", email: "efface@exemple.fr", niveau: "gestion" });
    await runCommand(t.db, "agent:add", { service: "tet", email: "efface@exemple.fr", niveau: "lecture" });
    await newSession("t-efface", "efface@exemple.fr");
    const mec = await keyFor(t.db, "mec");
    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec.key, body: { email: "Efface@Exemple.fr" } });
    expect(erased.status).toBe(200);
    expect(await t.db.select().from(serviceAgents).where(inArray(serviceAgents.email, ["efface@exemple.fr"]))).toEqual([]);
    expect(await loadConsoleSession(t.db, "t-efface")).toBeNull();
    // Other people's grants stay.
    expect((await listAgentGrants(t.db, "referente@tet.fr")).map((g) => g.slug)).toEqual(["tet"]);
  });
});
