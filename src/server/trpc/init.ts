// The procedure ladder: operatorProcedure (any active operator) → adminProcedure. Every procedure
// re-checks the role from the database (the context loads it per call); mutations also need the
// same-origin proof. AppError is translated to tRPC here, once.
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { isAppError, type AppErrorCode } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import type { Actor } from "@/modules/audit/write-audit";
import { toAppError } from "@/server/http/error-response";
import type { Context } from "./context";

const trpcCode: Record<AppErrorCode, TRPCError["code"]> = {
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  method_not_allowed: "METHOD_NOT_SUPPORTED",
  validation_failed: "BAD_REQUEST",
  unknown_status: "UNPROCESSABLE_CONTENT",
  conflict: "CONFLICT",
  payload_too_large: "PAYLOAD_TOO_LARGE",
  rate_limited: "TOO_MANY_REQUESTS",
  unavailable: "SERVICE_UNAVAILABLE",
  internal: "INTERNAL_SERVER_ERROR",
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const details = isAppError(cause) ? cause.details : cause instanceof z.ZodError ? toValidationIssues(cause) : undefined;
    // Internal errors keep their message out of the browser.
    const message = error.code === "INTERNAL_SERVER_ERROR" ? "Erreur interne." : shape.message;
    return { ...shape, message, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, details } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const translateErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isAppError(cause)) throw new TRPCError({ code: trpcCode[cause.code], message: cause.message, cause });
    if (cause instanceof z.ZodError) throw new TRPCError({ code: "BAD_REQUEST", message: "Les données envoyées sont invalides.", cause });
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      // An unexpected failure (a database error quotes its SQL and parameters): logged by class and
      // code only, and thrown on without its cause so that no caller (HTTP adapter, page renderer)
      // logs or shows more. A database outage becomes SERVICE_UNAVAILABLE.
      const appError = toAppError(cause ?? result.error);
      throw new TRPCError({ code: trpcCode[appError.code], message: appError.code === "internal" ? "Erreur interne." : appError.message });
    }
  }
  return result;
});

export const operatorProcedure = t.procedure.use(translateErrors).use(({ ctx, type, next }) => {
  if (!ctx.operator) throw new TRPCError({ code: "UNAUTHORIZED", message: "Session absente ou expirée : reconnectez-vous." });
  if (type === "mutation" && !ctx.sameOrigin) throw new TRPCError({ code: "FORBIDDEN", message: "Requête refusée (origine non vérifiée)." });
  const actor: Actor = { type: "operator", operatorId: ctx.operator.operatorId, label: ctx.operator.email };
  return next({ ctx: { ...ctx, operator: ctx.operator, actor } });
});

export const adminProcedure = operatorProcedure.use(({ ctx, next }) => {
  if (ctx.operator.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Action réservée aux administrateurs." });
  return next();
});

/**
 * The connected-service agents' space (issue #12): needs a session whose person holds at least one
 * service grant (read from the database on every call); mutations also need the same-origin proof.
 * Every procedure built on it must also pass `serviceScoped` (or answer only from the caller's own
 * grants): the guard table test (app-router.int.test.ts) checks each one for another service.
 */
export const agentProcedure = t.procedure.use(translateErrors).use(({ ctx, type, next }) => {
  if (!ctx.agent) throw new TRPCError({ code: "UNAUTHORIZED", message: "Session absente ou expirée : reconnectez-vous." });
  if (type === "mutation" && !ctx.sameOrigin) throw new TRPCError({ code: "FORBIDDEN", message: "Requête refusée (origine non vérifiée)." });
  return next({ ctx: { ...ctx, agent: ctx.agent } });
});
