import type { z } from "zod";
import type { ValidationIssue } from "./app-error";

/** Flattens zod issues into the contract's `details: [{path, message}]`. */
export function toValidationIssues(error: z.ZodError, prefix: (string | number)[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join(".") || "(corps)",
    message: issue.message,
  }));
}

/**
 * Flattens the issues of a query string's schema: each unknown parameter is reported at its own name
 * (`details: [{path: "updatedsince", message: "paramètre de requête inconnu"}]`), not at `(corps)`,
 * since a query has no body (issue #13 part 4). Other issues keep their parameter's path.
 */
export function toQueryIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: key, message: "paramètre de requête inconnu" }))
      : [{ path: issue.path.map(String).join(".") || "(requête)", message: issue.message }],
  );
}
