// One round of the delivery core: claim a batch, attempt every delivery concurrently, record the
// outcomes in one transaction. The Inngest functions call this in steps; the embedded worker runs
// the same three functions in a continuous pipeline (run-delivery-loop.ts).
import type { Db } from "@/db/client";
import { attemptDelivery } from "./attempt-delivery";
import { claimDeliveries } from "./claim-deliveries";
import type { DeliveryOptions } from "./delivery-options";
import { recordResults, type RecordSummary } from "./record-results";

export type BatchSummary = RecordSummary & { claimed: number };

export async function deliverBatch(db: Db, options: DeliveryOptions): Promise<BatchSummary> {
  const claimed = await claimDeliveries(db, { owner: options.owner, limit: options.batchSize, leaseMs: options.leaseMs });
  const results = await Promise.all(
    claimed.map(async (delivery) => ({ delivery, outcome: await attemptDelivery(delivery, options) })),
  );
  const summary = await recordResults(db, options.owner, results, options);
  return { ...summary, claimed: claimed.length };
}
