import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter";

describe("createRateLimiter (per-service token bucket)", () => {
  it("admits a minute's allowance at once, then refills continuously, per key", () => {
    const limiter = createRateLimiter(60); // one per second
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(limiter.take("mec", t0).allowed).toBe(true);
    const refused = limiter.take("mec", t0);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take("tet", t0).allowed).toBe(true);
    expect(limiter.take("mec", t0 + 500).allowed).toBe(false);
    expect(limiter.take("mec", t0 + 1_000).allowed).toBe(true);
    expect(limiter.take("mec", t0 + 1_000).allowed).toBe(false);
    // Idle time never stores more than the allowance.
    for (let i = 0; i < 60; i++) expect(limiter.take("mec", t0 + 3_600_000).allowed).toBe(true);
    expect(limiter.take("mec", t0 + 3_600_000).allowed).toBe(false);
  });

  it("tells how long to wait when the refill is slow", () => {
    const limiter = createRateLimiter(2); // one every 30 s
    limiter.take("s", 0);
    limiter.take("s", 0);
    expect(limiter.take("s", 0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take("s", 20_000)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });
});
