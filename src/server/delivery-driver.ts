// Chooses who delivers the outbox: Inngest functions when Inngest is configured, otherwise the
// embedded worker in this process. Both run the same delivery core (src/modules/delivery).
import type { DatabaseHandle } from "@/db/client";
import { env, inngestConfigured } from "@/env";
import { logger } from "./logger";

export async function startDeliveryDriver(_handle: DatabaseHandle): Promise<void> {
  if (inngestConfigured) {
    logger.info("delivery driver: inngest");
    return;
  }
  if (!env.WORKER_ENABLED) {
    logger.info("delivery driver: none (WORKER_ENABLED=false)");
    return;
  }
  logger.info("delivery driver: embedded worker");
}

/**
 * Called by write routes after their transaction committed with new deliveries: wakes the driver
 * without waiting for it. Never throws and never delays the API response.
 */
export function kickDelivery(): void {
  // Filled in by the delivery engine (issue #4): Inngest event when configured, else in-process wake-up.
}
