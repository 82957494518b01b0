// GET /api/metrics (issue #16): Prometheus text behind the bearer token METRICS_TOKEN; without the
// setting the route does not exist (404), a missing or wrong token gets 401.
import { timingSafeEqual } from "node:crypto";
import { getDb } from "@/db";
import { AppError } from "@/modules/errors/app-error";
import { errorResponse } from "./error-response";
import { renderMetrics } from "../metrics";

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Answers a scrape. `token` is the configured METRICS_TOKEN (a parameter for tests).
 * Returns the metrics text (200), or the error envelope: 404 without a token configured, 401 for a
 * missing or wrong bearer token, 503 when the database cannot be reached.
 */
export async function serveMetrics(request: Request, token: string | undefined): Promise<Response> {
  const noStore = { "Cache-Control": "no-store" };
  try {
    if (!token) throw new AppError("not_found", "Ressource introuvable.");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
    if (!match || !sameToken(match[1]!, token)) throw new AppError("unauthorized", "Jeton de métriques absent ou invalide.");
    const text = await renderMetrics(await getDb());
    return new Response(text, { status: 200, headers: { ...noStore, "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
  } catch (error) {
    return errorResponse(error, noStore);
  }
}

