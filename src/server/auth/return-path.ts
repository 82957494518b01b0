// Where to go back after logging in again (issue #11, "Session"): only a page of the console or of
// the agents' space on this site, never another origin (`//host`, `/\host`, `https://…`).

const allowed = /^\/(admin|espace)(\/[^\\]*)?(\?[^\\]*)?$/;

/** The path (with its query string) to return to after login, or `/admin` when `raw` is not one of ours. */
export function safeReturnPath(raw: string | undefined | null): string {
  if (!raw || raw.startsWith("//") || !allowed.test(raw) || raw.startsWith("/admin/connexion")) return "/admin";
  return raw;
}

/** The login page's address that comes back to `path` once logged in. */
export function reloginHref(path: string): string {
  return `/admin/connexion?retour=${encodeURIComponent(safeReturnPath(path))}`;
}

/**
 * The request header in which the proxy (src/proxy.ts) passes the page's path and query string to
 * the rendering, for the login redirect that comes back to it (redirect-to-login.ts). Here, not in
 * redirect-to-login.ts, because the proxy must not import server-only modules.
 */
export const REQUEST_PATH_HEADER = "x-request-path";
