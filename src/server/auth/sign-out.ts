"use server";
// Logout (notes/proconnect.md §4.4): delete our session first, then send the browser to
// ProConnect's end_session with id_token_hint, a state we check on return, and our exact
// post-logout URI. A server action, so Next checks Origin against Host (CSRF).
import { randomBytes } from "node:crypto";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { accounts, sessions } from "@/db/schema";
import { env } from "@/env";
import { writeAudit } from "@/modules/audit/write-audit";
import { discoverEndSession } from "./discover-end-session";
import { isActionFromOwnOrigin } from "./check-action-origin";
import { loadConsoleSession } from "./load-operator-session";
import { logoutStateCookie, sessionCookieName } from "./session-policy";

export async function signOutAction(): Promise<never> {
  // Checked against the public URL, not the forwarded host Next.js trusts (check-action-origin.ts).
  if (!isActionFromOwnOrigin(await headers(), env.NEXTAUTH_URL)) redirect("/admin");
  const jar = await cookies();
  const cookieName = sessionCookieName(env.NEXTAUTH_URL);
  const db = await getDb();
  const session = await loadConsoleSession(db, jar.get(cookieName)?.value);
  const operator = session?.operator ?? null;
  // A connected-service agent (issue #12) signs out the same way; only operators' logouts are audited.
  const holder = operator ?? session?.agent ?? null;
  let idToken: string | null = null;
  if (holder) {
    const [account] = await db
      .select({ idToken: accounts.id_token })
      .from(accounts)
      .where(eq(accounts.userId, holder.userId))
      .orderBy(desc(accounts.lastUsedAt))
      .limit(1);
    idToken = account?.idToken ?? null;
    await db.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.sessionToken, holder.sessionToken));
      // The id_token only serves this logout's id_token_hint: it goes with the person's last session (issue #16).
      const [other] = await tx.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.userId, holder.userId)).limit(1);
      if (!other) await tx.update(accounts).set({ id_token: null }).where(eq(accounts.userId, holder.userId));
      if (operator) await writeAudit(tx, { type: "operator", operatorId: operator.operatorId, label: operator.email }, {
        action: "auth.logout",
        targetType: "operator",
        targetId: operator.operatorId,
      });
    });
  }
  jar.delete(cookieName);
  const base = (env.NEXTAUTH_URL ?? "").replace(/\/+$/, "");
  if (!idToken) redirect("/admin/deconnexion");
  const state = randomBytes(32).toString("base64url");
  jar.set(logoutStateCookie, state, {
    httpOnly: true,
    sameSite: "lax",
    secure: base.startsWith("https://"),
    path: "/admin/deconnexion",
    maxAge: 600,
  });
  const url = new URL(await discoverEndSession());
  url.searchParams.set("id_token_hint", idToken);
  url.searchParams.set("state", state);
  url.searchParams.set("post_logout_redirect_uri", `${base}/admin/deconnexion`);
  redirect(url.toString());
}
