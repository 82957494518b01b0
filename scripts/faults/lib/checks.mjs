// Assertions and bounded waiting for the fault cases.
import { sleep } from "../../bench/lib/proc.mjs";
import { analyseArrivals } from "../../bench/lib/analyse-arrivals.mjs";

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

/**
 * The fault cases' common end check (issues #4, #16): every project event reached every receiver,
 * in order per project, never under a second `webhook-id` for one version, and no receiver got a
 * `webhook-id` the database does not know. Records each failure in `e`, logs one line per receiver
 * with `log`; returns the summed duplicates and out-of-order arrivals.
 */
export async function checkEveryEventDelivered(e, { receivers, slugs, eventIds, log }) {
  let duplicates = 0;
  let outOfOrder = 0;
  for (const slug of slugs) {
    const a = analyseArrivals(await receivers.records(slug));
    let missing = 0;
    let foreign = 0;
    for (const id of eventIds) if (!a.ids.has(id)) missing++;
    for (const id of a.ids) if (!eventIds.has(id)) foreign++;
    duplicates += a.duplicates;
    outOfOrder += a.outOfOrder;
    log(`  ${slug}: ${a.ids.size} distinct, ${a.duplicates} duplicates, ${a.outOfOrder} out of order, ${missing} missing`);
    e.check(missing === 0, `${slug}: ${missing} committed changes never delivered`);
    e.check(foreign === 0, `${slug}: ${foreign} deliveries with an unknown webhook-id`);
    e.check(a.outOfOrder === 0, `${slug}: ${a.outOfOrder} out of order per project (${a.examples.join("; ")})`);
    e.check(a.sameVersionDifferentId === 0, `${slug}: ${a.sameVersionDifferentId} versions delivered under two webhook-ids`);
  }
  return { duplicates, outOfOrder };
}
