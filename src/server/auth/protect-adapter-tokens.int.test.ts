// protectAdapterTokens (issue #16) around the real DrizzleAdapter on a real database: the sessions
// table keeps the SHA-256 of the cookie, never the cookie, and accounts keep no OIDC access or
// refresh token.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter } from "next-auth/adapters";
import { accounts, operators, sessions, users, verificationTokens } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { hashSessionToken } from "./hash-session-token";
import { loadConsoleSession } from "./load-operator-session";
import { protectAdapterTokens } from "./protect-adapter-tokens";

let t: TestDatabase;
let adapter: Adapter;
beforeAll(async () => {
  t = await createTestDatabase();
  adapter = protectAdapterTokens(
    DrizzleAdapter(t.db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }) as Adapter,
  );
  await t.db.insert(operators).values({ email: "hachage@anct.gouv.fr", role: "admin" });
});
afterAll(async () => {
  await t.destroy();
});

describe("protectAdapterTokens", () => {
  it("stores the session under the hash of its cookie, which alone opens it", async () => {
    const user = await adapter.createUser!({ id: crypto.randomUUID(), email: "hachage@anct.gouv.fr", emailVerified: null, name: "Agent Hachage" });
    const cookie = randomBytes(32).toString("hex");
    const created = await adapter.createSession!({ sessionToken: cookie, userId: user.id, expires: new Date(Date.now() + 3_600_000) });
    // next-auth sets the cookie from what createSession returns.
    expect(created.sessionToken).toBe(cookie);

    const stored = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(stored.map((s) => s.sessionToken)).toEqual([hashSessionToken(cookie)]);
    expect(stored[0]!.sessionToken).not.toBe(cookie);
    expect(stored[0]!.sessionToken).toMatch(/^[0-9a-f]{64}$/);

    expect((await adapter.getSessionAndUser!(cookie))?.session.sessionToken).toBe(cookie);
    expect((await loadConsoleSession(t.db, cookie))?.operator).toMatchObject({ email: "hachage@anct.gouv.fr" });
    // The stored value, read from a dump and sent as a cookie, opens nothing.
    expect(await adapter.getSessionAndUser!(stored[0]!.sessionToken)).toBeNull();
    expect(await loadConsoleSession(t.db, stored[0]!.sessionToken)).toBeNull();

    const later = new Date(Date.now() + 7_200_000);
    expect((await adapter.updateSession!({ sessionToken: cookie, expires: later }))?.sessionToken).toBe(cookie);
    expect((await t.db.select().from(sessions).where(eq(sessions.userId, user.id)))[0]!.expires.getTime()).toBe(later.getTime());

    await adapter.deleteSession!(cookie);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
  });

  it("keeps no OIDC access or refresh token when linking an account, only the id_token for logout", async () => {
    const user = await adapter.createUser!({ id: crypto.randomUUID(), email: "lien@anct.gouv.fr", emailVerified: null });
    await adapter.linkAccount!({
      userId: user.id,
      type: "oidc",
      provider: "proconnect",
      providerAccountId: "sub-lien",
      access_token: "jeton-d-acces",
      refresh_token: "jeton-de-renouvellement",
      id_token: "e30.e30.sig",
      token_type: "bearer",
      expires_at: 1_900_000_000,
    });
    const [account] = await t.db.select().from(accounts).where(eq(accounts.userId, user.id));
    expect(account).toMatchObject({ access_token: null, refresh_token: null, id_token: "e30.e30.sig", providerAccountId: "sub-lien" });
  });
});
