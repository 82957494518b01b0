// Assertions and bounded waiting for the fault cases.
import { sleep } from "../../bench/lib/proc.mjs";

export class CaseFailure extends Error {}

/** Collects failed expectations; `done()` throws them all at once. */
export function expectations(caseName) {
  const failures = [];
  return {
    check(condition, message) {
      if (!condition) failures.push(message);
    },
    done() {
      if (failures.length) throw new CaseFailure(`${caseName}: ${failures.length} expectation(s) failed:\n  - ${failures.join("\n  - ")}`);
    },
  };
}

/** Polls `probe` until it returns a truthy value or the time is up; returns the last value. */
export async function waitUntil(probe, { timeoutMs, intervalMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!value && Date.now() < deadline) {
    await sleep(intervalMs);
    value = await probe();
  }
  return value;
}
