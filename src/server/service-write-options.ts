// What every write of a service's settings needs from the hub's settings: the webhook URL policy
// and the keyring that encrypts a new signing secret. Read from the environment here, once for the
// console, the services' space and the command line, so the three cannot drift apart; the modules
// (createService, updateService) keep taking them as parameters.
import { env, secretKeyring } from "@/env";
import type { Actor } from "@/modules/audit/write-audit";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import type { UrlPolicy } from "@/modules/webhooks/check-webhook-url";
import { webhookUrlPolicy } from "@/modules/webhooks/url-policy";

export type ServiceWriteOptions = { urlPolicy: UrlPolicy; actor: Actor; keyring: SecretKeyring };

/** The options of `updateService` for `actor`; `createService` adds `keyPrefix: env.API_KEY_PREFIX`. */
export function serviceWriteOptionsFromEnv(actor: Actor): ServiceWriteOptions {
  return { urlPolicy: webhookUrlPolicy(env.WEBHOOK_ALLOW_PRIVATE_URLS), actor, keyring: secretKeyring() };
}
