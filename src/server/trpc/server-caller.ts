import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { getCurrentOperator, getCurrentSession } from "@/server/auth/get-current-operator";
import { redirectToLogin } from "@/server/auth/redirect-to-login";
import { appRouter } from "./app-router";
import { createCallerFactory } from "./init";

const createCaller = createCallerFactory(appRouter);

/**
 * In-process caller for server components: same procedures and role checks, no HTTP. Its calls come
 * from the server itself, so the same-origin proof holds (server actions are checked by Next).
 * Next renders a page alongside its layout, so without a session the page itself goes to the
 * sign-in page, which comes back to it, instead of failing on its first call.
 */
export const getServerCaller = cache(async () => {
  const operator = await getCurrentOperator();
  if (!operator) return redirectToLogin();
  return createCaller({ db: await getDb(), operator, sameOrigin: true });
});

/**
 * In-process caller for the agents' space (`/espace`, issue #12): the same procedures and guard,
 * with the agent behind the session (and the operator, when the person is both). Without an agent
 * session the page goes to the sign-in page.
 */
export const getEspaceServerCaller = cache(async () => {
  const session = await getCurrentSession();
  if (!session?.agent) return session?.operator ? redirect("/admin") : redirectToLogin();
  return { caller: createCaller({ db: await getDb(), operator: session.operator, agent: session.agent, sameOrigin: true }), isOperator: Boolean(session.operator) };
});
