import { describe, expect, it } from "vitest";
import { monotonicFactory } from "ulid";
import { bufferedRandom } from "./buffered-random";

describe("bufferedRandom", () => {
  it("gives fractions in [0, 1) on a multiple of 1/256, across refills", () => {
    const random = bufferedRandom(16);
    const values = Array.from({ length: 1000 }, random);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 256)).toBe(true);
    }
    // 1000 draws of 8 random bits: far more than a handful of distinct values, and not one block repeated.
    expect(new Set(values).size).toBeGreaterThan(200);
    expect(values.slice(0, 16)).not.toEqual(values.slice(16, 32));
  });

  it("makes ulid ids that are distinct and in creation order", () => {
    const next = monotonicFactory(bufferedRandom(64));
    const ids = Array.from({ length: 2000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
