import "server-only";
// The login redirect of a page rendered without a session (issue #11, "Session": a way back to the
// same page). Layouts do not know the page's path: the proxy (src/proxy.ts) copies it into the
// request's `x-request-path` header, overwriting whatever the client sent.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { REQUEST_PATH_HEADER, reloginHref, safeReturnPath } from "./return-path";

/**
 * Redirects to the login page, which comes back to the page being rendered once logged in (only a
 * page of the console or of the space: `safeReturnPath`; the console's home needs no `retour`).
 * Never returns (Next's redirect throws).
 */
export async function redirectToLogin(): Promise<never> {
  const path = safeReturnPath((await headers()).get(REQUEST_PATH_HEADER));
  // The console's home is where the login goes anyway: no need to say so in the address.
  redirect(path === "/admin" ? "/admin/connexion" : reloginHref(path));
}
