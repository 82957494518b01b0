import { createHmac } from "node:crypto";

/**
 * The only form in which the hub keeps a user's email: HMAC-SHA256 with a server secret of the
 * address in Unicode NFC, trimmed and lower-cased (hex). A keyed hash, so that a leaked table cannot
 * be reversed by hashing a directory of addresses. NFC first (issue #13): the same address typed in
 * composed or decomposed form must give the same hash (addresses accepted by the API are ASCII
 * today, so hashes stored before NFC was added are unchanged).
 *
 * `secret` is the hub's EMAIL_HASH_SECRET, passed in by the adapter that read the settings (issue
 * #16: domain modules never read settings): the API's `Caller.emailHashSecret`, the CLI's and the
 * console's own read of `env`. Returns 64 hex characters.
 */
export function hashEmail(email: string, secret: string): string {
  return createHmac("sha256", secret).update(email.normalize("NFC").trim().toLowerCase(), "utf8").digest("hex");
}
