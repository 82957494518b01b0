import { describe, expect, it } from "vitest";
import { judgeWindow } from "./count-request";

describe("judgeWindow (sliding minute per service)", () => {
  it("admits up to the limit within a minute, counting the previous minute by its remaining weight", () => {
    expect(judgeWindow({ current: 60, previous: 0, elapsed: 10, perMinute: 60 })).toEqual({ allowed: true });
    expect(judgeWindow({ current: 61, previous: 0, elapsed: 10, perMinute: 60 }).allowed).toBe(false);
    // 45 s into the minute, a quarter of the previous minute still counts: 60/4 + 45 = 60.
    expect(judgeWindow({ current: 45, previous: 60, elapsed: 45, perMinute: 60 })).toEqual({ allowed: true });
    expect(judgeWindow({ current: 46, previous: 60, elapsed: 45, perMinute: 60 }).allowed).toBe(false);
  });

  it("tells how long until the window has room again", () => {
    // 31 + 60·(1 − t/60) ≤ 60 from t = 31 s: 11 s from now at 20 s into the minute.
    expect(judgeWindow({ current: 31, previous: 60, elapsed: 20, perMinute: 60 })).toEqual({ allowed: false, retryAfterSeconds: 11 });
    // This minute alone is over the limit: after its end, once its own weight has fallen enough.
    expect(judgeWindow({ current: 120, previous: 0, elapsed: 50, perMinute: 60 })).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(judgeWindow({ current: 2, previous: 0, elapsed: 59.5, perMinute: 1 })).toEqual({ allowed: false, retryAfterSeconds: 31 });
  });
});
