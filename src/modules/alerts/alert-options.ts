// Everything the alert sender needs to know about its environment, passed explicitly so that the
// alert modules stay framework-free and tests point them at their own SMTP server.
// `alertOptionsFromEnv` is the one place that maps settings to options (issue #11).
import { env, retryScheduleMs } from "@/env";

export type SmtpSettings = { host: string; port: number; secure: boolean; user?: string; pass?: string };

export type AlertOptions = {
  /** SMTP server; null → mails stay queued (nothing configured to send them). */
  smtp: SmtpSettings | null;
  /** `From:` of every alert mail. */
  from: string;
  /** Absolute base URL of the console, for the mails' links (no trailing slash). */
  consoleUrl: string;
  /** Waits in ms between sending attempts; the last one repeats: a mail is never given up. */
  scheduleMs: number[];
  /** How long a claimed mail is held by its sender before another may take it. */
  leaseMs: number;
  /** Mails claimed per round. */
  batchSize: number;
  /** Hour (0–23, Europe/Paris) from which the day's digest is queued. */
  digestHour: number;
  /** An endpoint failing for this long (ms) is announced even without a new attempt (ALERT_AFTER_MINUTES). */
  alertAfterMs: number;
};

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
