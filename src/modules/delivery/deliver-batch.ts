// One round of the delivery core: expand the events queued by writes (expand-events.ts), claim a batch, attempt every delivery concurrently, record the
// outcomes in one transaction. The Inngest functions call this in steps; the embedded worker runs
// the same three functions in a continuous pipeline (run-delivery-loop.ts).
import type { Db } from "@/db/client";
import { expandEvents } from "@/modules/outbox/expand-events";
import { attemptDelivery, type AttemptOutcome } from "./attempt-delivery";
import { claimDeliveries, type ClaimedDelivery } from "./claim-deliveries";
import type { DeliveryOptions } from "./delivery-options";
import { recordResults, type RecordSummary } from "./record-results";

export type BatchSummary = RecordSummary & { claimed: number; expanded: number };

/**
 * Expands up to 500 queued events into their deliveries (every driver expands before it claims), then
 * claims up to `options.batchSize` due deliveries, attempts them concurrently and records the
 * outcomes. `onAttempted` runs after each attempt, before recording (the adapters' metrics and
 * traces). Returns the record summary and how many were claimed.
 */
export async function deliverBatch(
  db: Db,
  options: DeliveryOptions,
  hooks: { onAttempted?: (delivery: ClaimedDelivery, outcome: AttemptOutcome) => void } = {},
): Promise<BatchSummary> {
  const { events: expanded } = await expandEvents(db);
  const claimed = await claimDeliveries(db, { owner: options.owner, limit: options.batchSize, leaseMs: options.leaseMs });
  const results = await Promise.all(
    claimed.map(async (delivery) => {
      const outcome = await attemptDelivery(delivery, options);
      hooks.onAttempted?.(delivery, outcome);
      return { delivery, outcome };
    }),
  );
  const summary = await recordResults(db, options.owner, results, options);
  return { ...summary, claimed: claimed.length, expanded };
}
