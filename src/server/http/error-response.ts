// The single translation of errors to HTTP: the contract's envelope {"error": {code, message, details?}}.
// Unknown errors become 500 `internal` with no stack and no internals; a database that cannot be
// reached becomes 503 `unavailable`.
import { AppError, isAppError } from "@/modules/errors/app-error";
import { describeError, logger } from "../logger";

export { describeError };

const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

/** The code that says the database cannot be reached (driver or PostgreSQL code), or null. */
export function databaseUnavailableCode(error: unknown): string | null {
  // The embedded driver has no error codes: a closed PGlite says so in its message.
  if (error instanceof Error && error.message === "PGlite is closed") return "PGLITE_CLOSED";
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (unavailableCodes.has(code) || code.startsWith("08"))) return code;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error ? databaseUnavailableCode(cause) : null;
}

export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const unavailable = databaseUnavailableCode(error);
  if (unavailable) {
    // Operators need to see an outage in the logs; the code names it without any request data.
    logger.warn("database unavailable", { code: unavailable });
    return new AppError("unavailable", "Le service est momentanément indisponible, réessayez dans quelques instants.");
  }
  // The class and codes of the failure, never its message nor the request: both may carry personal data.
  logger.error("unhandled error", describeError(error));
  return new AppError("internal", "Erreur interne du hub.");
}

export function errorResponse(error: unknown, headers?: HeadersInit): Response {
  const appError = toAppError(error);
  const body: { error: { code: string; message: string; details?: unknown } } = {
    error: { code: appError.code, message: appError.message },
  };
  if (appError.details !== undefined) body.error.details = appError.details;
  const responseHeaders = new Headers(headers);
  const retryAfter = (appError.details as { retryAfter?: number } | undefined)?.retryAfter;
  if (appError.code === "rate_limited" && retryAfter) responseHeaders.set("Retry-After", String(retryAfter));
  if (appError.code === "unavailable" && !responseHeaders.has("Retry-After")) responseHeaders.set("Retry-After", "5");
  return Response.json(body, { status: appError.status, headers: responseHeaders });
}
