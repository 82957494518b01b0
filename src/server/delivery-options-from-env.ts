// The delivery core's options from the hub's settings: the one place that maps settings to
// `DeliveryOptions` (the modules take them as parameters and never read settings, issue #16). Used
// by the embedded worker, the separate worker, Inngest's functions and the console's replays.
import { env, retryScheduleMs, secretKeyring } from "@/env";
import { newWorkerId, type DeliveryOptions } from "@/modules/delivery/delivery-options";
import { webhookUrlPolicy } from "@/modules/webhooks/url-policy";

const DAY_MS = 86_400_000;

/**
 * Options from WEBHOOK_TIMEOUT_MS, WEBHOOK_ALLOW_PRIVATE_URLS, the secrets keyring, ALERT_AFTER_FAILURES
 * and ALERT_AFTER_MINUTES; `overrides` win (tests compress time with them). The lease outlasts an
 * attempt by 15 s so that only a crashed worker loses one.
 */
export function deliveryOptionsFromEnv(overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
  const timeoutMs = overrides.timeoutMs ?? env.WEBHOOK_TIMEOUT_MS;
  return {
    scheduleMs: retryScheduleMs,
    timeoutMs,
    leaseMs: timeoutMs + 15_000,
    batchSize: 64,
    urlPolicy: webhookUrlPolicy(env.WEBHOOK_ALLOW_PRIVATE_URLS),
    keyring: secretKeyring(),
    owner: newWorkerId("worker"),
    warnAfterFailures: 4,
    alertAfterFailures: env.ALERT_AFTER_FAILURES,
    alertAfterMs: env.ALERT_AFTER_MINUTES * 60_000,
    disableAfterMs: 5 * DAY_MS,
    maxRetryAfterMs: DAY_MS,
    random: Math.random,
    ...overrides,
  };
}
