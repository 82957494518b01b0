// The one error type of the domain. Translated once to HTTP (src/server/http) and once to tRPC.
import { z } from "zod";

// Validation messages reach connected services' agents and operators: French, as the rest of the UI.
z.config(z.locales.fr());

export const appErrorStatus = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  validation_failed: 400,
  unknown_status: 422,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type AppErrorCode = keyof typeof appErrorStatus;

export type ValidationIssue = { path: string; message: string };

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details?: unknown;

  constructor(code: AppErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return appErrorStatus[this.code];
  }

  static validation(issues: ValidationIssue[], message = "La requête est invalide.") {
    return new AppError("validation_failed", message, issues);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
