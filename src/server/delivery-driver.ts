// Chooses who delivers the outbox: Inngest functions when Inngest is configured, otherwise the
// embedded worker in this process. Both run the same delivery core (src/modules/delivery).
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { getDatabase } from "@/db";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { env, inngestConfigured } from "@/env";
import { logger } from "./logger";
import { onShutdown, processState } from "./process-state";

export async function startDeliveryDriver(handle: DatabaseHandle): Promise<void> {
  if (inngestConfigured) {
    logger.info("delivery driver: inngest");
    return;
  }
  if (!env.WORKER_ENABLED) {
    logger.info("delivery driver: none (WORKER_ENABLED=false)");
    return;
  }
  if (processState.worker) return;
  // Imported here, not at the top: routes import kickDelivery and must not pull in the worker.
  const { startEmbeddedWorker } = await import("./worker/start-embedded-worker");
  const worker = await startEmbeddedWorker(handle);
  processState.worker = worker;
  onShutdown(async () => {
    processState.worker = undefined;
    await worker.stop();
  });
  logger.info("delivery driver: embedded worker");
}

/**
 * Called by write routes after their transaction committed with new deliveries: wakes the driver
 * without waiting for it. Never throws and never delays the API response.
 */
export function kickDelivery(): void {
  try {
    if (inngestConfigured) {
      void import("./inngest/send-outbox-kick").then((m) => m.sendOutboxKick()).catch(() => {});
      return;
    }
    processState.worker?.wake();
    notifyOtherProcesses();
  } catch {
    // A missed kick only delays delivery: NOTIFY, the sleep timer or the cron sweep catch up.
  }
}

/**
 * Workers of other processes (other hub instances, `src/server/worker/main.ts`) LISTEN on the
 * outbox channel. The NOTIFY is sent after the commit, outside any transaction (inside one it would
 * serialise commits), and coalesced: at most one waiting to be sent and one running. Kicks that
 * come while one runs are carried by a single NOTIFY sent when it ends (it started before their
 * commits, so its listeners may have claimed before them). Under ingest this is what turns one
 * NOTIFY per event-loop turn (0.45 per creating POST, issue #17) into one per round trip of the
 * database. A NOTIFY running for longer than `NOTIFY_STALE_MS` (the database unreachable) no longer
 * holds the next one back.
 */
function notifyOtherProcesses(): void {
  if (processState.notifyPending) return;
  processState.notifyPending = true;
  const sentAt = processState.notifySentAt;
  if (sentAt === null || Date.now() - sentAt > NOTIFY_STALE_MS) setImmediate(sendNotify);
}

const NOTIFY_STALE_MS = 1_000;

function sendNotify(): void {
  if (!processState.notifyPending) return;
  processState.notifyPending = false;
  const sentAt = Date.now();
  processState.notifySentAt = sentAt;
  void getDatabase()
    .then((handle) => (handle.driver === "postgres" ? handle.db.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`) : undefined))
    .catch(() => {})
    .finally(() => {
      // A stale NOTIFY ending late leaves alone the state of the one sent after it.
      if (processState.notifySentAt !== sentAt) return;
      processState.notifySentAt = null;
      if (processState.notifyPending) setImmediate(sendNotify);
    });
}
