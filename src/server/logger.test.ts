// The pino logger (issue #16): JSON lines with a level, redaction of personal data and credentials
// configured once, the request id of the request being handled, error descriptions without messages.
import { describe, expect, it } from "vitest";
import { captureLogs, describeError, logger, requestIdOf, withRequestId } from "./logger";

function captured(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const release = captureLogs((line) => lines.push(line));
  try {
    fn();
  } finally {
    release();
  }
  return lines.map((line) => JSON.parse(line));
}

describe("logger", () => {
  it("writes one JSON line per call with time, level label and message", () => {
    const [line] = captured(() => logger.warn("something", { count: 3 }));
    expect(line).toMatchObject({ level: "warn", msg: "something", count: 3 });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it("redacts personal data and credentials at the top level and nested", () => {
    const lines = captured(() =>
      logger.info("fields", {
        email: "claire@exemple.fr",
        porteur: { nom: "Dupont" },
        nested: { telephone: "0611223344", prenom: "Claire", deeper: { authorization: "Bearer abc", secret: "whsec" } },
        body: "{\"x\":1}",
        keyPrefix: "hub_ab12",
      }),
    );
    const text = JSON.stringify(lines);
    for (const value of ["claire@exemple.fr", "Dupont", "0611223344", "Claire", "Bearer abc", "whsec", "{\\\"x\\\":1}"]) expect(text).not.toContain(value);
    expect(lines[0]).toMatchObject({ email: "[redacted]", porteur: "[redacted]", keyPrefix: "hub_ab12" });
  });

  it("adds the request id to every line written inside withRequestId, across awaits", async () => {
    const lines: string[] = [];
    const release = captureLogs((line) => lines.push(line));
    try {
      await withRequestId("r-1", async () => {
        logger.info("a");
        await new Promise((resolve) => setTimeout(resolve, 1));
        logger.error("b");
      });
      logger.info("outside");
    } finally {
      release();
    }
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual(["r-1", "r-1", undefined]);
  });

  it("takes a well-formed X-Request-Id and replaces anything else by a UUID", () => {
    const withId = (value?: string) => requestIdOf(new Request("http://127.0.0.1/", value === undefined ? {} : { headers: { "x-request-id": value } }));
    expect(withId("abc-123_x.y:z")).toBe("abc-123_x.y:z");
    for (const bad of [undefined, "", "a b", "x".repeat(129), "claire@exemple.fr"]) expect(withId(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it("describes an error by name and codes, never its message", () => {
    const cause = Object.assign(new Error("invalid input syntax for type integer: \"donnee\""), { code: "22P02" });
    const error = new Error("Failed query: select $1 params: donnee", { cause });
    expect(describeError(error)).toEqual({ error: "Error", cause: "Error", causeCode: "22P02" });
  });
});
