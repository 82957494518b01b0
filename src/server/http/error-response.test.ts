// Where an error comes from decides how it is logged and answered (issue #16, "truthful errors").
import { afterEach, describe, expect, it } from "vitest";
import { captureLogs } from "../logger";
import { ClientAbortedError } from "./client-aborted-error";
import { databaseUnavailableCode, toAppError } from "./error-response";
import { readCappedBody } from "./read-json-body";

const withCode = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code }, extra);

let stop: (() => void) | undefined;
afterEach(() => stop?.());

function logged(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  stop = captureLogs((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return lines;
}

describe("databaseUnavailableCode", () => {
  it("names driver and PostgreSQL codes wherever they are in the cause chain", () => {
    expect(databaseUnavailableCode(withCode("CONNECTION_ENDED"))).toBe("CONNECTION_ENDED");
    expect(databaseUnavailableCode(new Error("query failed", { cause: withCode("57P01") }))).toBe("57P01");
    expect(databaseUnavailableCode(withCode("08006"))).toBe("08006");
    expect(databaseUnavailableCode(new Error("PGlite is closed"))).toBe("PGLITE_CLOSED");
  });

  it("counts a socket code only from a query or one of the hub's own sockets", () => {
    // drizzle's DrizzleQueryError (and postgres.js's) carries the query it was running.
    const fromQuery = Object.assign(new Error("Failed query"), { query: "select 1", cause: withCode("ECONNRESET") });
    expect(databaseUnavailableCode(fromQuery)).toBe("ECONNRESET");
    // postgres.js rejects a transaction's connection with the bare socket error.
    expect(databaseUnavailableCode(withCode("ECONNREFUSED", { syscall: "connect", address: "127.0.0.1", port: 5432 }))).toBe("ECONNREFUSED");
    // A client that hung up: Node's "aborted" error on the request stream, with no socket of ours.
    expect(databaseUnavailableCode(withCode("ECONNRESET"))).toBeNull();
    expect(databaseUnavailableCode(new Error("x", { cause: withCode("EPIPE") }))).toBeNull();
    expect(databaseUnavailableCode(withCode("23505"))).toBeNull();
  });
});

describe("toAppError", () => {
  it("logs a client that hung up at info, never as a database outage", () => {
    const lines = logged();
    const answer = toAppError(new ClientAbortedError(withCode("ECONNRESET")));
    expect(answer.code).toBe("validation_failed");
    expect(lines.map((l) => l.msg)).toEqual(["client closed the request"]);
    expect(lines[0]).toMatchObject({ level: "info", error: "ClientAbortedError", causeCode: "ECONNRESET" });
  });

  it("logs a database outage as a warning with its code, and answers 503", () => {
    const lines = logged();
    expect(toAppError(withCode("CONNECTION_CLOSED")).code).toBe("unavailable");
    expect(lines).toEqual([expect.objectContaining({ msg: "database unavailable", level: "warn", code: "CONNECTION_CLOSED" })]);
  });
});

describe("readCappedBody", () => {
  it("turns a failing request stream (client reset mid-body) into ClientAbortedError", async () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"nom":'));
        } else controller.error(withCode("ECONNRESET"));
      },
    });
    const request = new Request("http://127.0.0.1/api/v1/projets", { method: "POST", body, duplex: "half" } as RequestInit);
    await expect(readCappedBody(request, 1024)).rejects.toBeInstanceOf(ClientAbortedError);
  });
});
