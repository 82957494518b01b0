// next-auth options, built per request so that the database is opened lazily at run time.
import type { NextAuthOptions } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { accounts, operators, sessions, users, verificationTokens } from "@/db/schema";
import { env } from "@/env";
import { writeAudit } from "@/modules/audit/write-audit";
import { checkSignIn, readIdTokenClaims } from "./check-sign-in";
import { hashSessionToken } from "./hash-session-token";
import { protectAdapterTokens } from "./protect-adapter-tokens";
import { acceptedAcrByRole, proconnectProvider } from "./proconnect-provider";
import { sessionCookieName, sessionPolicy } from "./session-policy";

/**
 * next-auth's options for one request. `action` is next-auth's route (`callback`, `signin`, …).
 * On `callback`, the session the browser already holds is hidden from next-auth, so that a login
 * always creates a fresh session (never reuses one planted in the browser) and never links the
 * ProConnect account to whoever was signed in; that previous session is deleted once the login
 * succeeds (issue #14, finding 1).
 */
export async function getAuthOptions(action?: string): Promise<NextAuthOptions> {
  const db = await getDb();
  // Sessions stored by the hash of their cookie, no OIDC access/refresh token stored (issue #16).
  const adapter = protectAdapterTokens(
    DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    }) as Adapter,
  );
  const previousSessions: string[] = [];
  if (action === "callback") {
    adapter.getSessionAndUser = async (sessionToken) => {
      previousSessions.push(sessionToken);
      return null;
    };
  }
  const secureCookies = (env.NEXTAUTH_URL ?? "").startsWith("https://");
  return {
    secret: env.NEXTAUTH_SECRET,
    adapter,
    // `__Host-` in production (https): the cookie is then bound to this exact origin, Secure, Path=/,
    // and no sibling subdomain can set or shadow it.
    cookies: {
      sessionToken: {
        name: sessionCookieName(env.NEXTAUTH_URL),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure: secureCookies },
      },
    },
    session: { strategy: "database", maxAge: sessionPolicy.inactivityMs / 1000, updateAge: sessionPolicy.slideEveryMs / 1000 },
    // Both pages are set so that no built-in English page is ever shown (trap 14).
    pages: { signIn: "/admin/connexion", error: "/admin/acces-refuse", signOut: "/admin/connexion" },
    providers: [proconnectProvider()],
    callbacks: {
      async signIn({ account, profile }) {
        const email = (profile as { email?: string } | undefined)?.email;
        // The hub user this ProConnect account (`sub`) is already linked to, if any.
        const linked = account ? await adapter.getUserByAccount!({ provider: account.provider, providerAccountId: account.providerAccountId }) : null;
        const result = await checkSignIn(db, {
          email,
          idToken: account?.id_token,
          acceptedAcr: acceptedAcrByRole(),
          linkedUserEmail: linked ? (linked.email ?? "") : undefined,
        });
        return result.allowed ? true : `/admin/acces-refuse?motif=${result.reason}`;
      },
      // Only a redirect inside the hub is followed after login.
      async redirect({ url, baseUrl }) {
        if (url.startsWith("/")) return `${baseUrl}${url}`;
        return new URL(url).origin === baseUrl ? url : `${baseUrl}/admin`;
      },
    },
    events: {
      // The adapter stores tokens only when an account is first linked; logout needs the latest
      // id_token (trap 13), so keep it and when it was used. Access and refresh tokens are never
      // used after login: none is kept (issue #16).
      async signIn({ user, account }) {
        if (!account) return;
        await db.transaction(async (tx) => {
          // The session the browser held before this login ends with it (see getAuthOptions).
          if (previousSessions.length > 0) await tx.delete(sessions).where(inArray(sessions.sessionToken, previousSessions.map(hashSessionToken)));
          await tx
            .update(accounts)
            .set({
              id_token: account.id_token ?? null,
              access_token: null,
              refresh_token: null,
              expires_at: account.expires_at ?? null,
              scope: account.scope ?? null,
              lastUsedAt: new Date(),
            })
            .where(and(eq(accounts.provider, account.provider), eq(accounts.providerAccountId, account.providerAccountId)));
          const [operator] = await tx.query.operators.findMany({ where: (o, { eq: e }) => e(o.email, (user.email ?? "").toLowerCase()), limit: 1 });
          if (operator) {
            // Shown in the operators' list (issue #11): an admin sees who still uses the console.
            await tx.update(operators).set({ lastLoginAt: new Date() }).where(eq(operators.id, operator.id));
            const claims = readIdTokenClaims(account.id_token);
            await writeAudit(tx, { type: "operator", operatorId: operator.id, label: operator.email }, {
              action: "auth.login",
              targetType: "operator",
              targetId: operator.id,
              after: { acr: claims.acr ?? null, idp: claims.idp_id ?? null },
            });
          }
        });
      },
    },
  };
}
