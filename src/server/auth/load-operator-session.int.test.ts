import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { auditLog, operators, sessions, users } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { setOperatorActive } from "@/modules/console/manage-operators";
import { loadOperatorSession } from "./load-operator-session";
import { checkSignIn } from "./check-sign-in";
import { sessionCookieName, sessionPolicy } from "./session-policy";
import { acceptedAcrByRole } from "./proconnect-provider";
import { hashSessionToken } from "./hash-session-token";

let database: TestDatabase;
let operatorId: string;
const minute = 60_000;

const idToken = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

async function newSession(token: string, createdAt: Date, expires: Date, email = "admin@anct.gouv.fr") {
  const [user] = await database.db.insert(users).values({ email }).onConflictDoUpdate({ target: users.email, set: { email } }).returning();
  await database.db.insert(sessions).values({ sessionToken: hashSessionToken(token), userId: user!.id, createdAt, expires });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const [op] = await database.db.insert(operators).values({ email: "admin@anct.gouv.fr", role: "admin" }).returning();
  operatorId = op!.id;
  await database.db.insert(operators).values({ email: "ancien@anct.gouv.fr", role: "lecteur", active: false });
  // Another active admin: the last one could not be deactivated (issue #11).
  await database.db.insert(operators).values({ email: "autre.admin@anct.gouv.fr", role: "admin" });
});

afterAll(async () => {
  await database?.destroy();
});

describe("loadOperatorSession", () => {
  it("resolves an active session to the operator and slides its expiry", async () => {
    const now = new Date();
    await newSession("s-active", new Date(now.getTime() - 10 * minute), new Date(now.getTime() + 5 * minute));
    const identity = await loadOperatorSession(database.db, "s-active", now);
    expect(identity).toMatchObject({ operatorId, role: "admin", email: "admin@anct.gouv.fr" });
    const [row] = await database.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("s-active")));
    expect(row!.expires.getTime()).toBe(now.getTime() + sessionPolicy.inactivityMs);
  });

  it("ends a session idle for 30 minutes", async () => {
    const now = new Date();
    await newSession("s-idle", new Date(now.getTime() - 40 * minute), new Date(now.getTime() - 1));
    expect(await loadOperatorSession(database.db, "s-idle", now)).toBeNull();
    expect(await database.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("s-idle")))).toHaveLength(0);
  });

  it("ends a session older than 12 hours even when active", async () => {
    const now = new Date();
    await newSession("s-old", new Date(now.getTime() - sessionPolicy.absoluteMs - 1), new Date(now.getTime() + 20 * minute));
    expect(await loadOperatorSession(database.db, "s-old", now)).toBeNull();
  });

  it("never slides beyond the absolute limit", async () => {
    const now = new Date();
    const createdAt = new Date(now.getTime() - sessionPolicy.absoluteMs + 10 * minute);
    await newSession("s-late", createdAt, new Date(now.getTime() + minute));
    expect(await loadOperatorSession(database.db, "s-late", now)).not.toBeNull();
    const [row] = await database.db.select().from(sessions).where(eq(sessions.sessionToken, hashSessionToken("s-late")));
    expect(row!.expires.getTime()).toBe(createdAt.getTime() + sessionPolicy.absoluteMs);
  });

  it("refuses the session of a deactivated or unknown operator", async () => {
    const now = new Date();
    await newSession("s-inactive", now, new Date(now.getTime() + 20 * minute), "ancien@anct.gouv.fr");
    await newSession("s-stranger", now, new Date(now.getTime() + 20 * minute), "agent@exemple.gouv.fr");
    expect(await loadOperatorSession(database.db, "s-inactive", now)).toBeNull();
    expect(await loadOperatorSession(database.db, "s-stranger", now)).toBeNull();
    expect(await loadOperatorSession(database.db, "absent", now)).toBeNull();
    expect(await loadOperatorSession(database.db, undefined, now)).toBeNull();
  });

  it("deactivating an operator ends their sessions, with an audit entry", async () => {
    const now = new Date();
    await newSession("s-to-kill", now, new Date(now.getTime() + 20 * minute));
    const result = await setOperatorActive(database.db, { operatorId, active: false }, cliActor);
    expect(result.active).toBe(false);
    expect(await loadOperatorSession(database.db, "s-to-kill", now)).toBeNull();
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, "operator.deactivate"));
    expect(entry!.after).toMatchObject({ active: false });
    expect(JSON.stringify(entry)).not.toContain("admin@anct.gouv.fr");
    await setOperatorActive(database.db, { operatorId, active: true }, cliActor);
  });
});

describe("checkSignIn", () => {
  const accepted = { admin: ["eidas1-mfa", "eidas2"], lecteur: ["eidas1", "eidas1-mfa", "eidas2"] };

  it("admits an active operator at an accepted acr", async () => {
    const result = await checkSignIn(database.db, { email: " Admin@ANCT.gouv.fr ", idToken: idToken({ acr: "eidas1-mfa" }), acceptedAcr: accepted });
    expect(result).toEqual({ allowed: true, operatorId });
  });

  it("refuses an agent who is not an operator, and traces it without their email", async () => {
    const result = await checkSignIn(database.db, { email: "agent@exemple.gouv.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted });
    expect(result).toEqual({ allowed: false, reason: "non_operateur" });
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, "auth.login_refused"));
    expect(entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries)).not.toContain("agent@exemple.gouv.fr");
  });

  it("refuses a deactivated operator and a too weak or missing acr", async () => {
    expect(await checkSignIn(database.db, { email: "ancien@anct.gouv.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted })).toEqual({ allowed: false, reason: "non_operateur" });
    expect(await checkSignIn(database.db, { email: "admin@anct.gouv.fr", idToken: idToken({ acr: "eidas0" }), acceptedAcr: accepted })).toEqual({ allowed: false, reason: "niveau_insuffisant" });
    expect(await checkSignIn(database.db, { email: "admin@anct.gouv.fr", idToken: undefined, acceptedAcr: accepted })).toEqual({ allowed: false, reason: "niveau_insuffisant" });
  });

  // Issue #14, finding 2: admins entered with single-factor authentication (acr=eidas1).
  it("asks an admin for MFA where a lecteur may enter with a password alone", async () => {
    await database.db.insert(operators).values({ email: "lectrice@anct.gouv.fr", role: "lecteur" });
    expect(await checkSignIn(database.db, { email: "admin@anct.gouv.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted })).toEqual({ allowed: false, reason: "mfa_requise" });
    expect(await checkSignIn(database.db, { email: "lectrice@anct.gouv.fr", idToken: idToken({ acr: "eidas1" }), acceptedAcr: accepted })).toMatchObject({ allowed: true });
    expect(await checkSignIn(database.db, { email: "admin@anct.gouv.fr", idToken: idToken({ acr: "eidas2" }), acceptedAcr: accepted })).toMatchObject({ allowed: true });
    const [refusal] = await database.db.select().from(auditLog).where(eq(auditLog.action, "auth.login_refused")).orderBy(desc(auditLog.id)).limit(1);
    expect(refusal!.after).toMatchObject({ reason: "mfa_requise", acr: "eidas1" });
  });

  it("by default, admins need a multi-factor level and lecteurs do not", () => {
    const defaults = acceptedAcrByRole();
    expect(defaults.admin).not.toContain("eidas1");
    expect(defaults.admin).toContain("eidas1-mfa");
    expect(defaults.lecteur).toContain("eidas1");
  });

  // Issue #14, finding 1: an account is linked only to the operator whose email matches.
  it("refuses a ProConnect account already linked to a user of another email", async () => {
    const result = await checkSignIn(database.db, {
      email: "admin@anct.gouv.fr",
      idToken: idToken({ acr: "eidas2" }),
      acceptedAcr: accepted,
      linkedUserEmail: "lectrice@anct.gouv.fr",
    });
    expect(result).toEqual({ allowed: false, reason: "compte_different" });
    expect(
      await checkSignIn(database.db, { email: "admin@anct.gouv.fr", idToken: idToken({ acr: "eidas2" }), acceptedAcr: accepted, linkedUserEmail: "ADMIN@anct.gouv.fr" }),
    ).toMatchObject({ allowed: true });
  });
});

describe("sessionCookieName", () => {
  it("is __Host- prefixed in production (https) only", () => {
    expect(sessionCookieName("https://communs.anct.gouv.fr")).toBe("__Host-next-auth.session-token");
    expect(sessionCookieName("http://localhost:3000")).toBe("next-auth.session-token");
  });
});
