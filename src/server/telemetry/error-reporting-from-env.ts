// The process's error reporting, from SENTRY_DSN (off when unset): started once by the server's
// boot and by the separate worker process, like tracing (tracing-from-env.ts).
import { env } from "@/env";
import { setErrorReporter } from "../logger";
import { startErrorReporting } from "./error-reporting";

/** Starts reporting `logger.error` lines to Sentry if SENTRY_DSN is set; returns its flush (for shutdown) or null. */
export function startErrorReportingFromEnv(): { flush(timeoutMs: number): Promise<boolean> } | null {
  if (!env.SENTRY_DSN) return null;
  const reporting = startErrorReporting({ dsn: env.SENTRY_DSN, environment: env.SENTRY_ENVIRONMENT });
  setErrorReporter(reporting);
  return reporting;
}
