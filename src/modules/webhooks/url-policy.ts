import { env } from "@/env";
import type { UrlPolicy } from "./check-webhook-url";

/** Private targets only when explicitly allowed; plain http only outside production or when private targets are allowed (local runs). */
export function webhookUrlPolicy(): UrlPolicy {
  return {
    allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_URLS,
    requireHttps: env.NODE_ENV === "production" && !env.WEBHOOK_ALLOW_PRIVATE_URLS,
  };
}
