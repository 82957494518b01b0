// Everything the delivery core needs to know about its environment, passed explicitly so that the
// core stays framework-free and tests can compress time. `deliveryOptionsFromEnv`
// (src/server/delivery-options-from-env.ts) is the one place that maps settings to options: the
// modules never read settings (issue #16).
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import type { UrlPolicy } from "@/modules/webhooks/check-webhook-url";

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

/** A lease owner unique per process and call: `<kind>:<host>:<pid>:<6 hex>`. */
export function newWorkerId(kind: string): string {
  return `${kind}:${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}
