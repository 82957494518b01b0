// /api/inngest: Inngest's endpoint (introspection, registration, signed function invocations) when
// Inngest is configured. Otherwise the embedded worker delivers and nothing may call in: the route
// answers a clean 404 envelope instead of letting the SDK fail with a 500 and an error line on every
// anonymous call (issue #14, finding 8).
import { serve } from "inngest/next";
import { inngestConfigured } from "@/env";
import { AppError } from "@/modules/errors/app-error";
import { errorResponse } from "@/server/http/error-response";
import { inngest } from "./client";
import { deliveryFunctions } from "./delivery-functions";
import { alertFunctions } from "./alert-functions";

type Handler = (request: Request, context: unknown) => Promise<Response>;

const notConfigured: Handler = async () =>
  errorResponse(new AppError("not_found", "Inngest n'est pas configuré sur ce hub : le worker embarqué livre les webhooks."), { "Cache-Control": "no-store" });

/** GET, POST and PUT of /api/inngest: the Inngest SDK's handlers, or 404 when Inngest is not configured. */
export function inngestHandlers(configured = inngestConfigured): { GET: Handler; POST: Handler; PUT: Handler } {
  if (!configured) return { GET: notConfigured, POST: notConfigured, PUT: notConfigured };
  return serve({ client: inngest, functions: [...deliveryFunctions, ...alertFunctions] }) as unknown as { GET: Handler; POST: Handler; PUT: Handler };
}
