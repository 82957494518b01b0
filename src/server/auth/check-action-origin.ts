// Origin check of the console's server actions (logout). Next.js compares Origin with
// `X-Forwarded-Host` or `Host`, both of which a client or a misconfigured proxy can choose; the hub
// checks against its own public URL (NEXTAUTH_URL) instead (issue #14, finding 8).

/**
 * True when a server action's request comes from the hub's own pages. Takes the request headers and
 * the public URL: Origin must equal the public URL's origin; without Origin, the browser must say
 * `Sec-Fetch-Site: same-origin`. Without a public URL nothing can be checked: refused.
 */
export function isActionFromOwnOrigin(headers: Headers, publicUrl: string | undefined): boolean {
  if (!publicUrl) return false;
  const origin = headers.get("origin");
  if (origin) return origin === new URL(publicUrl).origin;
  return headers.get("sec-fetch-site") === "same-origin";
}
