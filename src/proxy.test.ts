// Found by the fault suite's fuzzing (scripts/faults): a malformed percent-encoding in an /api path
// made Next.js's route matcher throw and answer a plain-text 500 before any handler ran.
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "./proxy";

describe("proxy (malformed paths under /api)", () => {
  it.each(["/api/v1/projets/%ED%A0%BD", "/api/v1/projets/%E0%A4%A", "/api/v1/x%ZZ/y", "/api/health%"])("answers 400 validation_failed for %s", async (path) => {
    const response = proxy(new NextRequest(`http://127.0.0.1${path}`));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("validation_failed");
  });

  it.each(["/api/v1/projets/0b7f8e3a-6f1e-4d43-9b0c-5a3f8a2e9c11", "/api/v1/projets?cursor=%ED%A0%BD", "/api/v1/caf%C3%A9"])("lets %s through", (path) => {
    const response = proxy(new NextRequest(`http://127.0.0.1${path}`));
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });

  it("only runs under /api", () => {
    expect(config.matcher).toBe("/api/:path*");
  });
});
