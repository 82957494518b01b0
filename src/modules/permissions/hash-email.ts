import { createHmac } from "node:crypto";
import { env } from "@/env";

/**
 * The only form in which the hub keeps a user's email: HMAC-SHA256 with a server secret of the
 * trimmed, lower-cased address (hex). A keyed hash, so that a leaked table cannot be reversed by
 * hashing a directory of addresses.
 */
export function hashEmail(email: string, secret: string = env.EMAIL_HASH_SECRET): string {
  return createHmac("sha256", secret).update(email.trim().toLowerCase(), "utf8").digest("hex");
}
