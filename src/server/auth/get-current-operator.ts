import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { getDb } from "@/db";
import { env } from "@/env";
import { loadOperatorSession } from "./load-operator-session";
import { sessionCookieName } from "./session-policy";

/** The operator behind the current request's session cookie, or null (once per render). */
export const getCurrentOperator = cache(async () => {
  const token = (await cookies()).get(sessionCookieName(env.NEXTAUTH_URL))?.value;
  return loadOperatorSession(await getDb(), token);
});
