import { env } from "@/env";
import type { UrlPolicy } from "./check-webhook-url";

/**
 * The webhook URL policy from the settings: public HTTPS targets only, unless private URLs are
 * explicitly allowed (WEBHOOK_ALLOW_PRIVATE_URLS, local tools and tests), which also allows plain
 * http. Never follows NODE_ENV (CONTRACT §7, issue #15 item 10).
 */
export function webhookUrlPolicy(allowPrivate: boolean = env.WEBHOOK_ALLOW_PRIVATE_URLS): UrlPolicy {
  return { allowPrivate, requireHttps: !allowPrivate };
}
