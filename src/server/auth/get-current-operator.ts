import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { getDb } from "@/db";
import { env } from "@/env";
import { loadConsoleSession } from "./load-operator-session";
import { sessionCookieName } from "./session-policy";

/** Who holds the current request's session cookie (operator and/or agent), or null (once per render). */
export const getCurrentSession = cache(async () => {
  const token = (await cookies()).get(sessionCookieName(env.NEXTAUTH_URL))?.value;
  return loadConsoleSession(await getDb(), token);
});

/** The operator behind the current request's session cookie, or null (once per render). */
export const getCurrentOperator = cache(async () => (await getCurrentSession())?.operator ?? null);

/** The connected-service agent behind the current request's session cookie, or null (issue #12). */
export const getCurrentAgent = cache(async () => (await getCurrentSession())?.agent ?? null);
