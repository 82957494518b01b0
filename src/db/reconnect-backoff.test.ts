// The pool's reconnection delay must stay short: with the driver's default (up to 20 s) requests
// hung for 10–20 s after a PostgreSQL restart (scripts/faults, case "postgres").
import { describe, expect, it } from "vitest";
import { reconnectBackoffSeconds } from "./client";

describe("reconnectBackoffSeconds", () => {
  it("starts small and never exceeds one second, however many failures", () => {
    expect(reconnectBackoffSeconds(0)).toBeLessThanOrEqual(0.1);
    for (let n = 0; n <= 1000; n++) expect(reconnectBackoffSeconds(n)).toBeLessThanOrEqual(1);
    expect(reconnectBackoffSeconds(50)).toBe(1);
  });

  it("grows with consecutive failures (no reconnect storm)", () => {
    expect(reconnectBackoffSeconds(3)).toBeGreaterThan(reconnectBackoffSeconds(1));
  });
});
