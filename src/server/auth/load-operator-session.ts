// Resolves a console session cookie to an active operator, on every request: the role comes from
// the database each time (never from the cookie), expired sessions are deleted, activity slides.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { operators, sessions, users } from "@/db/schema";
import { sessionPolicy } from "./session-policy";

export type OperatorIdentity = {
  operatorId: string;
  userId: string;
  email: string;
  name: string | null;
  role: "admin" | "lecteur";
  sessionToken: string;
};

export async function loadOperatorSession(db: Db, sessionToken: string | undefined | null, now = new Date()): Promise<OperatorIdentity | null> {
  if (!sessionToken) return null;
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
  // An operator removed or deactivated since login loses the session at once.
  if (tooOld || idle || !row.operatorId || !row.active || !row.role || !row.email) {
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
    operatorId: row.operatorId,
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    sessionToken: row.sessionToken,
  };
}
