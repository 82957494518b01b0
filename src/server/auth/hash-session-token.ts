import { createHash } from "node:crypto";

/**
 * What the database keeps of a session cookie's value: its SHA-256, hex (issue #16). The cookie
 * holds 32 random bytes, so a plain hash cannot be reversed, and a dump of `sessions` gives no
 * cookie that would open a console session.
 */
export function hashSessionToken(cookieValue: string): string {
  return createHash("sha256").update(cookieValue, "utf8").digest("hex");
}
