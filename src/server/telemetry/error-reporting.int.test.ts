// Sentry reporting (issue #16) against a loopback server that stands for Sentry's ingest: what an
// error log line sends, and what never leaves the hub (the error's message, emails, request data).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogs, describeError, logger, setErrorReporter, withRequestId } from "../logger";
import { scrubEvent, startErrorReporting } from "./error-reporting";

const received: { url: string; body: string }[] = [];
let server: http.Server;
let dsn: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  dsn = `http://clepublique@127.0.0.1:${(server.address() as AddressInfo).port}/42`;
});
afterAll(async () => {
  setErrorReporter(null);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("error reporting (SENTRY_DSN)", () => {
  it("sends an error line's message, fields, request id, class and frames; never the error's message or an email", async () => {
    const reporting = startErrorReporting({ dsn, environment: "test" });
    setErrorReporter(reporting);
    const release = captureLogs(() => {});
    try {
      const failure = new TypeError("insert into project_permissions values ('jeanne.dupont@exemple.fr', 'WRITE')");
      withRequestId("req-rapport-1", () => logger.error("unhandled error", { ...describeError(failure), route: "/api/v1/projets" }, failure));
      // An email that reached a field by mistake is masked all the same.
      logger.error("delivery worker error", { stage: "claim", note: "contact paul.martin@exemple.fr" });
      expect(await reporting.flush(5000)).toBe(true);
    } finally {
      release();
      setErrorReporter(null);
    }
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.every((r) => r.url.startsWith("/api/42/envelope/"))).toBe(true);
    const all = received.map((r) => r.body).join("\n");
    expect(all).toContain("unhandled error");
    expect(all).toContain("TypeError");
    expect(all).toContain("req-rapport-1");
    expect(all).toContain("/api/v1/projets");
    expect(all).toContain("error-reporting.int.test.ts"); // a stack frame of the failure
    expect(all).toContain("delivery worker error");
    expect(all).not.toContain("jeanne.dupont");
    expect(all).not.toContain("paul.martin");
    expect(all).not.toContain("insert into");

    // Reporting stopped: later error lines send nothing.
    const before = received.length;
    const release2 = captureLogs(() => {});
    logger.error("after stop", {});
    release2();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.length).toBe(before);
  });

  it("scrubEvent drops request, user, breadcrumbs, extra data and the machine's name, and masks emails", () => {
    const scrubbed = scrubEvent({
      message: "échec pour marie@exemple.fr",
      request: { url: "http://hub/api/v1/projets", data: "{}" },
      user: { email: "marie@exemple.fr" },
      breadcrumbs: [{ message: "x" }],
      extra: { corps: "{}" },
      server_name: "hote-interne",
      tags: { code: "23505" },
    });
    expect(scrubbed).toEqual({ message: "échec pour [adresse masquée]", tags: { code: "23505" } });
  });
});
