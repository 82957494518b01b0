import type { z } from "zod";
import type { ValidationIssue } from "./app-error";

/** Flattens zod issues into the contract's `details: [{path, message}]`. */
export function toValidationIssues(error: z.ZodError, prefix: (string | number)[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join(".") || "(corps)",
    message: issue.message,
  }));
}
