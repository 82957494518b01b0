// CONTRACT §8: every error, 405 included, uses the envelope, and 405 carries Allow. Lists every
// route of /api/v1 and /api/health with the methods it implements: a new route fails here until it
// is listed and answers the other methods itself (Next.js would answer them with an empty 405).
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_METHODS, type RouteMethod } from "@/server/http/route-methods";

const apiDir = path.join(import.meta.dirname);

/** Route file (relative to src/app/api) → methods it implements, as in the contract. */
const routes: Record<string, RouteMethod[]> = {
  "health/route.ts": ["GET"],
  "metrics/route.ts": ["GET"],
  "ready/route.ts": ["GET"],
  "v1/openapi.json/route.ts": ["GET"],
  "v1/projets/route.ts": ["GET", "POST"],
  "v1/projets/bulk/route.ts": ["POST"],
  "v1/projets/[id]/route.ts": ["GET", "PATCH"],
  "v1/projets/[id]/external-id/route.ts": ["PUT"],
  "v1/projets/[id]/permissions/route.ts": ["GET", "PUT", "DELETE"],
  "v1/statuts/route.ts": ["GET"],
  "v1/utilisateurs/effacement/route.ts": ["POST"],
  "v1/utilisateurs/retrait/route.ts": ["POST"],
  "v1/permissions/sync/route.ts": ["POST"],
};

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === "route.ts")
    .map((e) => path.relative(apiDir, path.join(e.parentPath, e.name)))
    // Any other path under /api/v1 is a 404 whatever the method.
    .filter((f) => f !== path.join("v1", "[...chemin]", "route.ts"))
    .sort();
}

const id = "5b0c3c2e-8a5e-4f43-9d0b-0c6b8f2f6a11";

describe("405 on /api/v1 and /api/health", () => {
  it("lists every route of /api/v1 and /api/health", () => {
    expect([...routeFiles(path.join(apiDir, "v1")), ...routeFiles(path.join(apiDir, "health")), ...routeFiles(path.join(apiDir, "metrics")), ...routeFiles(path.join(apiDir, "ready"))].sort()).toEqual(
      Object.keys(routes).sort(),
    );
  });

  for (const [file, implemented] of Object.entries(routes)) {
    const allow = [...new Set([...implemented, "OPTIONS", ...(implemented.includes("GET") ? ["HEAD"] : [])])].sort().join(", ");
    const unsupported = ROUTE_METHODS.filter((m) => !implemented.includes(m) && m !== "OPTIONS" && !(m === "HEAD" && implemented.includes("GET")));

    it(`${file}: every unsupported method (${unsupported.join(", ")}) answers 405 in the envelope with Allow: ${allow}`, async () => {
      const module = (await import(/* @vite-ignore */ path.join(apiDir, file))) as Record<string, unknown>;
      // Every method Next.js routes is exported, so Next never answers one with its empty 405.
      for (const method of ROUTE_METHODS) expect(typeof module[method], `${file} ${method}`).toBe("function");
      const url = `http://127.0.0.1/api/${path.dirname(file).replace("[id]", id)}`;
      for (const method of unsupported) {
        const handler = module[method] as (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>;
        const response = await handler(new Request(url, { method, headers: { authorization: "Bearer lc_test_x" } }), { params: Promise.resolve({ id }) });
        expect(response.status, `${file} ${method}`).toBe(405);
        expect(response.headers.get("allow")).toBe(allow);
        expect(response.headers.get("content-type")).toMatch(/application\/json/);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("method_not_allowed");
        expect(body.error.message).toContain(method);
      }
      const options = await (module.OPTIONS as (r: Request) => Promise<Response>)(new Request(url, { method: "OPTIONS" }));
      expect(options.status).toBe(204);
      expect(options.headers.get("allow")).toBe(allow);
      if (implemented.includes("GET")) expect(module.HEAD).toBe(module.GET);
    });
  }
});
