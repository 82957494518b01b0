// next-auth options, built per request so that the database is opened lazily at run time.
import type { NextAuthOptions } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { env } from "@/env";
import { writeAudit } from "@/modules/audit/write-audit";
import { checkSignIn, readIdTokenClaims } from "./check-sign-in";
import { acceptedAcrValues, proconnectProvider } from "./proconnect-provider";
import { sessionPolicy } from "./session-policy";

export async function getAuthOptions(): Promise<NextAuthOptions> {
  const db = await getDb();
  return {
    secret: env.NEXTAUTH_SECRET,
    adapter: DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    }) as Adapter,
    session: { strategy: "database", maxAge: sessionPolicy.inactivityMs / 1000, updateAge: sessionPolicy.slideEveryMs / 1000 },
    // Both pages are set so that no built-in English page is ever shown (trap 14).
    pages: { signIn: "/admin/connexion", error: "/admin/acces-refuse", signOut: "/admin/connexion" },
    providers: [proconnectProvider()],
    callbacks: {
      async signIn({ account, profile }) {
        const email = (profile as { email?: string } | undefined)?.email;
        const result = await checkSignIn(db, { email, idToken: account?.id_token, acceptedAcr: acceptedAcrValues() });
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
      // id_token (trap 13), so keep it and when it was used.
      async signIn({ user, account }) {
        if (!account) return;
        await db.transaction(async (tx) => {
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
