// The console's CSV downloads (issue #11): the same session and role check as the console's tRPC
// procedures (an active operator, role read from the database on every request), the query string
// parsed by the list's own zod schema, then the module's stream handed to the response as it comes.
import type { z } from "zod";
import type { Db } from "@/db/client";
import type { Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { toValidationIssues } from "@/modules/errors/zod-issues";
import { createContextFromRequest } from "@/server/trpc/context";
import { errorResponse } from "./error-response";

export type ConsoleExport<S extends z.ZodType> = {
  /** File name without date nor extension (`livraisons`). */
  name: string;
  /** The list's filter schema: the query string's non-empty parameters are parsed by it. */
  input: S;
  run: (db: Db, input: z.output<S>, actor: Actor) => Promise<ReadableStream<Uint8Array>>;
};

/**
 * Answers GET `request` with the CSV export `spec`: 303 to the sign-in page without an operator
 * session, 400 (error envelope, French) for an invalid filter, else 200 `text/csv` streamed as an
 * attachment named `<name>-<AAAA-MM-JJ>.csv`.
 */
export async function serveConsoleExport<S extends z.ZodType>(request: Request, spec: ConsoleExport<S>): Promise<Response> {
  try {
    const { db, operator } = await createContextFromRequest(request);
    if (!operator) return new Response(null, { status: 303, headers: { location: "/admin/connexion", "cache-control": "no-store" } });
    const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v.trim() !== ""));
    const parsed = spec.input.safeParse(params);
    if (!parsed.success) throw AppError.validation(toValidationIssues(parsed.error), "Filtre invalide : corrigez-le avant d'exporter.");
    const actor: Actor = { type: "operator", operatorId: operator.operatorId, label: operator.email };
    const stream = await spec.run(db, parsed.data, actor);
    const day = new Date().toISOString().slice(0, 10);
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${spec.name}-${day}.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
