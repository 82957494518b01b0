// Chooses who delivers the outbox: Inngest functions when Inngest is configured, otherwise the
// embedded worker in this process. Both run the same delivery core (src/modules/delivery).
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { getDatabase } from "@/db";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { env, inngestConfigured } from "@/env";
import { logger } from "./logger";
import type { EmbeddedWorker } from "./worker/start-embedded-worker";

// On globalThis: Next.js may instantiate this module more than once in one process (route
// bundles), and every copy must reach the one worker.
const workerKey = Symbol.for("les-communs.delivery-worker");
type Holder = { [workerKey]?: EmbeddedWorker };

export async function startDeliveryDriver(handle: DatabaseHandle): Promise<void> {
  if (inngestConfigured) {
    logger.info("delivery driver: inngest");
    return;
  }
  if (!env.WORKER_ENABLED) {
    logger.info("delivery driver: none (WORKER_ENABLED=false)");
    return;
  }
  const holder = globalThis as Holder;
  if (holder[workerKey]) return;
  const { startEmbeddedWorker } = await import("./worker/start-embedded-worker");
  const worker = await startEmbeddedWorker(handle);
  holder[workerKey] = worker;
  // Imported here, not at the top: routes import kickDelivery and must not pull in the boot code.
  const { onShutdown } = await import("./boot");
  onShutdown(async () => {
    holder[workerKey] = undefined;
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
    (globalThis as Holder)[workerKey]?.wake();
    notifyOtherProcesses();
  } catch {
    // A missed kick only delays delivery: NOTIFY, the sleep timer or the cron sweep catch up.
  }
}

const notifyKey = Symbol.for("les-communs.outbox-notify-pending");
type NotifyHolder = { [notifyKey]?: boolean };

/**
 * Workers of other processes (other hub instances, `src/server/worker/main.ts`) LISTEN on the
 * outbox channel. The NOTIFY is sent after the commit, outside any transaction (inside one it would
 * serialise commits), and coalesced: one per turn of the event loop, whatever the number of writes.
 */
function notifyOtherProcesses(): void {
  const holder = globalThis as NotifyHolder;
  if (holder[notifyKey]) return;
  holder[notifyKey] = true;
  setImmediate(() => {
    holder[notifyKey] = false;
    void getDatabase()
      .then((handle) => (handle.driver === "postgres" ? handle.db.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`) : undefined))
      .catch(() => {});
  });
}
