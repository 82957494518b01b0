// /api/inngest without Inngest configured (issue #14, finding 8): anonymous GET, PUT and POST got a
// 500 and an error line each; now a 404 envelope and nothing logged.
import { describe, expect, it } from "vitest";
import { captureLogs } from "@/server/logger";
import { inngestHandlers } from "./http-handler";

describe("/api/inngest when Inngest is not configured", () => {
  it("answers GET, PUT and POST with a 404 envelope and logs nothing", async () => {
    const handlers = inngestHandlers(false);
    const lines: string[] = [];
    const release = captureLogs((line) => lines.push(line));
    try {
      for (const method of ["GET", "PUT", "POST"] as const) {
        const response = await handlers[method](
          new Request("http://127.0.0.1/api/inngest", { method, ...(method === "GET" ? {} : { body: "{}", headers: { "content-type": "application/json" } }) }),
          {},
        );
        expect(response.status).toBe(404);
        expect((await response.json()).error.code).toBe("not_found");
      }
    } finally {
      release();
    }
    expect(lines).toEqual([]);
  });
});
