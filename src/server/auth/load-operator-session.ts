// Resolves a console session cookie to an active operator and/or a connected-service agent, on every
// request: the role and the grants come from the database each time (never from the cookie),
// expired sessions are deleted, activity slides. A session whose person is neither an active
// operator nor an agent of any service any more is deleted at once.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators, sessions, users } from "@/db/schema";
import type { AgentGrant } from "@/modules/agents/agent-schemas";
import { listAgentGrants } from "@/modules/agents/list-agent-grants";
import { hashSessionToken } from "./hash-session-token";
import { sessionPolicy } from "./session-policy";

export type OperatorIdentity = {
  operatorId: string;
  userId: string;
  email: string;
  name: string | null;
  role: "admin" | "lecteur";
  sessionToken: string;
};

/** A person granted access to connected services (issue #12), with their grants read at this request. */
export type AgentIdentity = {
  userId: string;
  email: string;
  name: string | null;
  grants: AgentGrant[];
  sessionToken: string;
};

export type ConsoleSession = { operator: OperatorIdentity | null; agent: AgentIdentity | null };

/** The operator behind a session token, or null (see loadConsoleSession). */
export async function loadOperatorSession(db: Db, cookieValue: string | undefined | null, now = new Date()): Promise<OperatorIdentity | null> {
  return (await loadConsoleSession(db, cookieValue, now))?.operator ?? null;
}

/**
 * Resolves a session cookie's value to who holds it (the session row is found by the value's hash,
 * `hashSessionToken`; the identities' `sessionToken` is that stored hash): `operator` when an active operator has the session's
 * email, `agent` when that email holds at least one service grant (both may be set). Returns null
 * (and deletes the session) when the session is expired, too old, or its person is neither.
 */
export async function loadConsoleSession(db: Db, cookieValue: string | undefined | null, now = new Date()): Promise<ConsoleSession | null> {
  if (!cookieValue) return null;
  const sessionToken = hashSessionToken(cookieValue);
  const [row] = await db
    .select({
      sessionToken: sessions.sessionToken,
      expires: sessions.expires,
      createdAt: sessions.createdAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      operatorId: operators.id,
      role: operators.role,
      active: operators.active,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(operators, eq(operators.email, users.email))
    .where(eq(sessions.sessionToken, sessionToken))
    .limit(1);
  if (!row) return null;
  const tooOld = now.getTime() - row.createdAt.getTime() > sessionPolicy.absoluteMs;
  const idle = row.expires.getTime() <= now.getTime();
  const isOperator = Boolean(row.operatorId && row.active && row.role && row.email);
  const grants = !tooOld && !idle && row.email ? await listAgentGrants(db, row.email) : [];
  // An operator removed or deactivated (and an agent whose last grant is withdrawn) since login loses the session at once.
  if (tooOld || idle || !row.email || (!isOperator && grants.length === 0)) {
    await db.delete(sessions).where(eq(sessions.sessionToken, sessionToken));
    return null;
  }
  const nextExpiry = now.getTime() + sessionPolicy.inactivityMs;
  if (nextExpiry - row.expires.getTime() > sessionPolicy.slideEveryMs) {
    // Never beyond the absolute limit.
    const capped = Math.min(nextExpiry, row.createdAt.getTime() + sessionPolicy.absoluteMs);
    await db
      .update(sessions)
      .set({ expires: new Date(capped) })
      .where(and(eq(sessions.sessionToken, sessionToken)));
  }
  return {
    operator: isOperator
      ? { operatorId: row.operatorId!, userId: row.userId, email: row.email, name: row.name, role: row.role!, sessionToken: row.sessionToken }
      : null,
    agent: grants.length > 0 ? { userId: row.userId, email: row.email, name: row.name, grants, sessionToken: row.sessionToken } : null,
  };
}
