// Assertions and bounded waiting for the fault cases.
import { sleep } from "../../bench/lib/proc.mjs";

export class CaseFailure extends Error {}

/** Collects failed expectations; `done()` throws them all at once. */
export function expectations(caseName) {
  const failures = [];
  return {
    check(condition, message) {
      if (!condition) failures.push(message);
      return Boolean(condition);
    },
    failures,
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

/**
 * Order and duplicates at one receiver, from its arrival records [webhookId, projectId, version, …]:
 * an arrival (first or repeated) whose version is below one already received for the same project
 * is out of order; a repeated webhook-id is a duplicate.
 */
export function analyseArrivals(records) {
  const maxVersion = new Map();
  const seen = new Set();
  const versionIds = new Map();
  let outOfOrder = 0;
  let duplicates = 0;
  let sameVersionDifferentId = 0;
  const examples = [];
  for (const [id, projectId, version] of records) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
    if (projectId === null || version === null) continue;
    const key = `${projectId}:${version}`;
    const known = versionIds.get(key);
    if (known && known !== id) sameVersionDifferentId++;
    versionIds.set(key, id);
    const max = maxVersion.get(projectId) ?? 0;
    if (version < max) {
      outOfOrder++;
      if (examples.length < 5) examples.push(`${projectId} v${version} after v${max}`);
    } else maxVersion.set(projectId, version);
  }
  return { ids: seen, outOfOrder, duplicates, sameVersionDifferentId, examples };
}
