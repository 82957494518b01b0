// buildContentSecurityPolicy / newCspNonce (issue #16): scripts by nonce only, the directives kept
// from issue #14, and a nonce that changes with every response.
import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy, newCspNonce } from "./content-security-policy";

describe("buildContentSecurityPolicy", () => {
  it("lets only scripts with this response's nonce run, and keeps the hub's other directives", () => {
    const nonce = newCspNonce();
    const policy = buildContentSecurityPolicy(nonce);
    const directives = Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
    expect(directives["script-src"]).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(directives).toMatchObject({
      "default-src": "'self'",
      "form-action": "'self'",
      "frame-ancestors": "'none'",
      "object-src": "'none'",
      "base-uri": "'self'",
    });
  });

  it("allows eval only when asked (next dev)", () => {
    expect(buildContentSecurityPolicy("abc", { allowEval: true })).toContain("'nonce-abc' 'strict-dynamic' 'unsafe-eval'");
  });
});

describe("newCspNonce", () => {
  it("gives 128 random bits in base64, different each time", () => {
    const nonces = new Set(Array.from({ length: 50 }, newCspNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});
