import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "./check-same-origin";

const url = "http://localhost:3000/api/trpc/services.create";
const post = (headers: Record<string, string>) => new Request(url, { method: "POST", headers, body: "{}" });

describe("isSameOriginRequest (tRPC mutations)", () => {
  it("accepts JSON from the hub's own origin", () => {
    expect(isSameOriginRequest(post({ "content-type": "application/json", origin: "http://localhost:3000" }), "http://localhost:3000")).toBe(true);
    expect(isSameOriginRequest(post({ "content-type": "application/json", "sec-fetch-site": "same-origin" }), "http://localhost:3000")).toBe(true);
  });

  it("refuses another origin, a form post, or a call that proves nothing", () => {
    expect(isSameOriginRequest(post({ "content-type": "application/json", origin: "https://evil.example" }), "http://localhost:3000")).toBe(false);
    expect(isSameOriginRequest(post({ "content-type": "application/x-www-form-urlencoded", origin: "http://localhost:3000" }), "http://localhost:3000")).toBe(false);
    expect(isSameOriginRequest(post({ "content-type": "application/json", "sec-fetch-site": "cross-site" }), "http://localhost:3000")).toBe(false);
    expect(isSameOriginRequest(post({ "content-type": "application/json" }), "http://localhost:3000")).toBe(false);
  });

  it("does not restrict GET (queries change nothing)", () => {
    expect(isSameOriginRequest(new Request(url), "http://localhost:3000")).toBe(true);
  });
});
