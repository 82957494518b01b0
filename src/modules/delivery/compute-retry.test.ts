import { describe, expect, it } from "vitest";
import { nextRetryDelay, parseRetryAfter, withJitter } from "./compute-retry";
import { DEFAULT_RETRY_SCHEDULE_MS } from "@/env";

const base = { scheduleMs: [1000, 2000, 3000], statusCode: 500, retryAfterMs: null, maxRetryAfterMs: 86_400_000 };

describe("retry schedule", () => {
  it("spreads waits by ±20 % around the schedule", () => {
    expect(withJitter(1000, () => 0)).toBe(800);
    expect(withJitter(1000, () => 0.5)).toBe(1000);
    expect(withJitter(1000, () => 0.999999)).toBe(1200);
  });

  it("follows the schedule step by step, then stops: N waits give N+1 attempts", () => {
    const mid = () => 0.5;
    expect(nextRetryDelay({ ...base, step: 1, random: mid })).toBe(1000);
    expect(nextRetryDelay({ ...base, step: 3, random: mid })).toBe(3000);
    expect(nextRetryDelay({ ...base, step: 4, random: mid })).toBeNull();
  });

  it("the default is the Standard Webhooks table: 10 attempts over about 3 days", () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(9);
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(75.6, 0);
  });

  it("honours Retry-After on 429 and 503 when it asks for longer, within a cap", () => {
    const mid = () => 0.5;
    expect(nextRetryDelay({ ...base, step: 1, statusCode: 429, retryAfterMs: 60_000, random: mid })).toBe(60_000);
    expect(nextRetryDelay({ ...base, step: 1, statusCode: 503, retryAfterMs: 10, random: mid })).toBe(1000);
    expect(nextRetryDelay({ ...base, step: 1, statusCode: 500, retryAfterMs: 60_000, random: mid })).toBe(1000);
    expect(nextRetryDelay({ ...base, step: 1, statusCode: 429, retryAfterMs: 10 ** 12, maxRetryAfterMs: 5000, random: mid })).toBe(5000);
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
