// Everything the delivery core needs to know about its environment, passed explicitly so that the
// core stays framework-free and tests can compress time. `deliveryOptionsFromEnv` is the one place
// that maps settings to options.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { env, retryScheduleMs, secretKeyring } from "@/env";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import type { UrlPolicy } from "@/modules/webhooks/check-webhook-url";
import { webhookUrlPolicy } from "@/modules/webhooks/url-policy";

export type DeliveryOptions = {
  /** Waits in ms between attempts of one retry cycle: N waits give N+1 attempts. */
  scheduleMs: number[];
  /** Total time allowed for one HTTP attempt (connect, headers and body). */
  timeoutMs: number;
  /** How long a claim is held; must outlast an attempt so that only crashed workers lose leases. */
  leaseMs: number;
  /** Deliveries claimed per round trip. */
  batchSize: number;
  urlPolicy: UrlPolicy;
  /** Decrypts the endpoints' signing secrets at the moment of signing (issue #16). */
  keyring: SecretKeyring;
  /** Identifies this worker in lease columns (unique per process). */
  owner: string;
  /** Consecutive failures after which the console shows the endpoint as failing. */
  warnAfterFailures: number;
  /** Consecutive failures after which the endpoint's failure is announced by email (issue #11). */
  alertAfterFailures: number;
  /** Failing without a success for this long also announces it (issue #11). */
  alertAfterMs: number;
  /** Failing without any success for this long disables the endpoint. */
  disableAfterMs: number;
  /** Upper bound for a receiver's Retry-After. */
  maxRetryAfterMs: number;
  /** Source of randomness for the ±20 % jitter (tests pass a fixed one). */
  random: () => number;
};

const DAY_MS = 86_400_000;

export function newWorkerId(kind: string): string {
  return `${kind}:${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

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
