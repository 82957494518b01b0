import type { UrlPolicy } from "./check-webhook-url";

/**
 * The webhook URL policy for the setting WEBHOOK_ALLOW_PRIVATE_URLS (`allowPrivate`, read by the
 * caller from src/env.ts): public HTTPS targets only, unless private URLs are explicitly allowed
 * (local tools and tests), which also allows plain http. Never follows NODE_ENV (CONTRACT §7,
 * issue #15 item 10).
 */
export function webhookUrlPolicy(allowPrivate: boolean): UrlPolicy {
  return { allowPrivate, requireHttps: !allowPrivate };
}
