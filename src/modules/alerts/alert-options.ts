// Everything the alert sender needs to know about its environment, passed explicitly so that the
// alert modules stay framework-free and tests point them at their own SMTP server.
// `alertOptionsFromEnv` (src/server/alert-options-from-env.ts) is the one place that maps settings
// to options (issues #11 and #16).

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
