// The methods a route does not implement, answered by the contract's error envelope (CONTRACT §8:
// every error, 405 included, uses the envelope; 405 carries Allow). Next.js answers a method that a
// route module does not export with an empty 405 and no Allow: every route exports all of them.
import { AppError } from "@/modules/errors/app-error";
import { errorResponse } from "./error-response";

/** Every method Next.js hands to a route module (next/dist/server/web/http.js). */
export const ROUTE_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

// Next.js passes (request, { params }); a handler may ignore both.
type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Response | Promise<Response>;

/** The Allow header of a route implementing `implemented` (HEAD comes with GET, OPTIONS always). */
export function allowHeader(implemented: readonly RouteMethod[]): string {
  const allowed = new Set<RouteMethod>([...implemented, "OPTIONS"]);
  if (allowed.has("GET")) allowed.add("HEAD");
  return [...allowed].sort().join(", ");
}

/**
 * Takes a route's handlers by method and returns a handler for every method Next.js routes:
 * HEAD is the GET handler (Node drops the body), OPTIONS answers 204 with `Allow`, and every other
 * method answers 405 `method_not_allowed` in the error envelope with `Allow`. Export the ones the
 * route does not define itself: `export const { HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ GET, POST });`
 */
export function otherMethods(implemented: Partial<Record<RouteMethod, RouteHandler>>): Record<RouteMethod, RouteHandler> {
  const allow = allowHeader(Object.keys(implemented) as RouteMethod[]);
  const notAllowed: RouteHandler = (request) =>
    errorResponse(
      new AppError("method_not_allowed", `Méthode ${request.method} non prise en charge sur cette route (méthodes acceptées : ${allow}).`),
      { Allow: allow },
    );
  const handlers = Object.fromEntries(ROUTE_METHODS.map((method) => [method, implemented[method] ?? notAllowed])) as Record<RouteMethod, RouteHandler>;
  if (!implemented.HEAD && implemented.GET) handlers.HEAD = implemented.GET;
  if (!implemented.OPTIONS) handlers.OPTIONS = () => new Response(null, { status: 204, headers: { Allow: allow } });
  return handlers;
}
