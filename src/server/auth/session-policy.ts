// Console session lifetimes: 30 minutes of inactivity (sliding `expires`), 12 hours at most after
// login (ProConnect's own session length; next-auth alone would slide forever, trap 17).
export const sessionPolicy = {
  inactivityMs: 30 * 60 * 1000,
  absoluteMs: 12 * 60 * 60 * 1000,
  /** Sliding writes at most once a minute per session, not on every request. */
  slideEveryMs: 60 * 1000,
} as const;

/**
 * The console's session cookie name: `__Host-` prefixed once the public URL is https (production),
 * so that the browser keeps it Secure, on Path=/, for this exact host only (issue #14, finding 1).
 */
export function sessionCookieName(publicUrl: string | undefined): string {
  return publicUrl?.startsWith("https://") ? "__Host-next-auth.session-token" : "next-auth.session-token";
}

/** Holds the `state` sent to ProConnect's end_session, checked when it sends the browser back. */
export const logoutStateCookie = "lc-logout-state";
