// The single translation of errors to HTTP: the contract's envelope {"error": {code, message, details?}}.
// Unknown errors become 500 `internal` with no stack and no internals; a database that cannot be
// reached becomes 503 `unavailable`.
import { AppError, isAppError } from "@/modules/errors/app-error";
import { describeError, logger } from "../logger";
import { ClientAbortedError } from "./client-aborted-error";

export { describeError };

// Codes that only the database drivers and PostgreSQL use: an outage whatever the error's path.
const databaseCodes = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);
// Socket codes: an outage only on the database's connection. A client that hangs up mid-request
// (ECONNRESET on its own socket) or a failing outbound call must not look like a database outage
// to an operator's alert (issue #16, "truthful errors").
const socketCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]);

/**
 * The code that says the database cannot be reached, or null. Driver and PostgreSQL codes (class 08
 * included) count anywhere in the error's cause chain; socket codes only on an error that came from
 * a query (drizzle's DrizzleQueryError and postgres.js's errors carry the `query` they were running)
 * or on one of the hub's own sockets (Node's socket errors name their `syscall` and `address`).
 */
export function databaseUnavailableCode(error: unknown, fromQuery = false): string | null {
  // The embedded driver has no error codes: a closed PGlite says so in its message.
  if (error instanceof Error && error.message === "PGlite is closed") return "PGLITE_CLOSED";
  if (error === null || typeof error !== "object") return null;
  const queried = fromQuery || "query" in error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (databaseCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return code;
  // postgres.js rejects a transaction's reserved connection with the bare socket error: one of our
  // own sockets (it names its system call and peer), unlike a client's request stream.
  const ownSocket = "syscall" in error && "address" in error;
  if (typeof code === "string" && (queried || ownSocket) && socketCodes.has(code)) return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? databaseUnavailableCode(cause, queried) : null;
}

/**
 * The AppError a failure answers with: itself for an AppError, 503 `unavailable` for a database
 * outage (logged as a warning with the driver's code), 400 for a client that hung up mid-request
 * (logged at info: nobody reads the answer, and it is no fault of the hub), else 500 `internal`
 * (logged with the error's class and codes only).
 */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof ClientAbortedError) {
    logger.info("client closed the request", describeError(error));
    return new AppError("validation_failed", "La requête a été interrompue par le client avant d'être lue en entier.");
  }
  const unavailable = databaseUnavailableCode(error);
  if (unavailable) {
    // Operators need to see an outage in the logs; the code names it without any request data.
    logger.warn("database unavailable", { code: unavailable });
    return new AppError("unavailable", "Le service est momentanément indisponible, réessayez dans quelques instants.");
  }
  // The class and codes of the failure, never its message nor the request: both may carry personal data.
  logger.error("unhandled error", describeError(error), error);
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
