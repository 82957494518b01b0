// tRPC context: the database and the operator behind the session cookie, resolved on every call
// (role read from the database each time), plus whether a mutation may run (CSRF).
import type { Db } from "@/db/client";
import { getDb } from "@/db";
import { env } from "@/env";
import { loadConsoleSession, type AgentIdentity, type OperatorIdentity } from "@/server/auth/load-operator-session";
import { sessionCookieName } from "@/server/auth/session-policy";
import { isSameOriginRequest } from "./check-same-origin";

export type Context = {
  db: Db;
  operator: OperatorIdentity | null;
  /** The connected-service agent behind the session (issue #12); absent or null for none. */
  agent?: AgentIdentity | null;
  /** False when an HTTP call did not prove it came from the console's own pages. */
  sameOrigin: boolean;
};

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

export async function createContextFromRequest(request: Request): Promise<Context> {
  const db = await getDb();
  const token = readCookie(request.headers.get("cookie"), sessionCookieName(env.NEXTAUTH_URL));
  const session = await loadConsoleSession(db, token);
  return { db, operator: session?.operator ?? null, agent: session?.agent ?? null, sameOrigin: isSameOriginRequest(request, env.NEXTAUTH_URL) };
}
