// The alert sender's options from the hub's settings: the one place that maps settings to
// `AlertOptions` (issues #11 and #16: the alert modules never read settings).
import { env, retryScheduleMs } from "@/env";
import type { AlertOptions } from "@/modules/alerts/alert-options";

/**
 * Options from SMTP_*, CONSOLE_URL (else NEXTAUTH_URL, else localhost:PORT), ALERT_DIGEST_HOUR and
 * ALERT_AFTER_MINUTES; `overrides` win. No SMTP_HOST → `smtp: null`: mails stay queued.
 */
export function alertOptionsFromEnv(overrides: Partial<AlertOptions> = {}): AlertOptions {
  const base = env.CONSOLE_URL ?? env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
  return {
    smtp: env.SMTP_HOST
      ? { host: env.SMTP_HOST, port: env.SMTP_PORT, secure: env.SMTP_SECURE, user: env.SMTP_USER, pass: env.SMTP_PASS }
      : null,
    from: env.SMTP_FROM,
    consoleUrl: base.replace(/\/+$/, ""),
    scheduleMs: retryScheduleMs,
    leaseMs: 60_000,
    batchSize: 20,
    digestHour: env.ALERT_DIGEST_HOUR,
    alertAfterMs: env.ALERT_AFTER_MINUTES * 60_000,
    ...overrides,
  };
}
