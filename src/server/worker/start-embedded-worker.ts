// The embedded driver: runs the delivery loop in this process when Inngest is not configured.
// Woken by NOTIFY on `outbox` right after a commit (and by kickDelivery in-process), sleeping
// otherwise until the next retry is due, with `pollMs` as a fallback for missed notifications.
// Also purges what is past retention, hourly, and sweeps held changes left by a writer that raced
// with a re-enable (release-held-changes.ts), vacuums the delivery queue (vacuum-delivery-queue.ts)
// and records a resync mark (mark-resync.ts) every few seconds, and sends the alert mails (start-alert-ticks.ts, issue #11). With several workers (and web instances running this too), the purge, the sweep and the
// vacuum run on one of them per period (claimPeriodicJob, issue #16); resync marks stay concurrent on purpose:
// two instances' marks are two valid marks (a mark is a snapshot at a time, `on conflict do
// nothing`), and more marks only make an `updatedSince` return fewer projects.
import type { DatabaseHandle } from "@/db/client";
import { env } from "@/env";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { newWorkerId, type DeliveryOptions } from "@/modules/delivery/delivery-options";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { startDeliveryLoop } from "@/modules/delivery/run-delivery-loop";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { sweepHeldChanges } from "@/modules/outbox/release-held-changes";
import { QUEUE_VACUUM_EVERY_MS, vacuumDeliveryQueue } from "@/modules/delivery/vacuum-delivery-queue";
import { markResync } from "@/modules/projects/mark-resync";
import { claimPeriodicJob } from "@/modules/retention/claim-periodic-job";
import type { RetentionSettings } from "@/modules/retention/run-retention-purge";
import { runRetentionUpkeep } from "@/modules/retention/run-retention-upkeep";
import { describeError, logger } from "../logger";
import { startAlertTicks } from "./start-alert-ticks";
import { observeAttempt, observeClaimed } from "../metrics";
import { traceAttempt } from "../telemetry/trace-delivery";

export type EmbeddedWorker = { wake: () => void; stop: () => Promise<void> };

const HOUR_MS = 3_600_000;
/** How often held changes of enabled endpoints are looked for (a cheap query on a tiny table). */
const HELD_SWEEP_MS = 10_000;
/** How often a resync mark is recorded: an `updatedSince` returns at most this much before it. */
const RESYNC_MARK_MS = 10_000;

export async function startEmbeddedWorker(
  handle: DatabaseHandle,
  overrides: Partial<DeliveryOptions> & { maxInFlight?: number; pollMs?: number; retention?: RetentionSettings } = {},
): Promise<EmbeddedWorker> {
  const {
    maxInFlight = 256,
    pollMs = 1000,
    retention = { webhookDays: env.WEBHOOK_RETENTION_DAYS, eventDays: env.EVENT_RETENTION_DAYS, auditDays: env.AUDIT_RETENTION_DAYS },
    ...rest
  } = overrides;
  const options = deliveryOptionsFromEnv({ owner: newWorkerId("embedded"), ...rest });
  const loop = startDeliveryLoop(handle.db, {
    ...options,
    maxInFlight,
    maxInFlightPerEndpoint: 64,
    pollMs,
    // Name and codes only: drizzle's message quotes the SQL and its parameters (issue #16).
    onError: (stage, error) => logger.error("delivery worker error", { stage, ...describeError(error) }, error),
    onClaimed: observeClaimed,
    onAttempted: (delivery, outcome) => {
      observeAttempt(delivery, outcome);
      traceAttempt(delivery, outcome);
    },
    onRecorded: (summary) => {
      for (const f of summary.failing) logger.warn("webhook endpoint failing", f);
      for (const d of summary.disabled) logger.warn("webhook endpoint disabled", d);
      for (const a of summary.alerted) logger.info("webhook endpoint alert queued", a);
    },
  });

  let unlisten: (() => Promise<void>) | null = null;
  try {
    unlisten = await handle.listen(OUTBOX_CHANNEL, () => loop.wake());
  } catch (error) {
    logger.warn("delivery worker: LISTEN unavailable, polling only", describeError(error));
  }

  const purge = async () => {
    try {
      // One instance per hour, whichever timer fires first (a little under the period: timers drift).
      if (!(await claimPeriodicJob(handle.db, "retention-purge", HOUR_MS - 60_000))) return;
      // On PGlite, also the vacuum of what was purged: it has no autovacuum (run-retention-upkeep.ts).
      logger.info("retention purge done", await runRetentionUpkeep(handle, retention));
    } catch (error) {
      logger.error("retention purge failed", describeError(error), error);
    }
  };
  const first = setTimeout(() => void purge(), 60_000);
  const hourly = setInterval(() => void purge(), HOUR_MS);
  first.unref();
  hourly.unref();

  const sweepHeld = async () => {
    try {
      // Two sweeps at once would only wait on each other's project locks: one per period is enough.
      if (!(await claimPeriodicJob(handle.db, "held-sweep", HELD_SWEEP_MS - 1_000))) return;
      const released = await sweepHeldChanges(handle.db);
      if (released > 0) {
        logger.info("held changes released by the sweep", { released });
        loop.wake();
      }
    } catch (error) {
      logger.error("held changes sweep failed", describeError(error), error);
    }
  };
  const heldSweep = setInterval(() => void sweepHeld(), HELD_SWEEP_MS);
  heldSweep.unref();
  void sweepHeld();

  // One queue vacuum at a time in this process: on PGlite (one session) a second would queue behind
  // the first, and every query behind both. (The hourly retention job's vacuum, on PGlite only, is
  // one statement per table: queries and this vacuum get in between.)
  let vacuuming = false;
  const vacuumQueue = async () => {
    if (vacuuming) return;
    vacuuming = true;
    try {
      if (!(await claimPeriodicJob(handle.db, "queue-vacuum", QUEUE_VACUUM_EVERY_MS - 1_000))) return;
      await vacuumDeliveryQueue(handle.db);
    } catch (error) {
      logger.error("delivery queue vacuum failed", describeError(error), error);
    } finally {
      vacuuming = false;
    }
  };
  const queueVacuum = setInterval(() => void vacuumQueue(), QUEUE_VACUUM_EVERY_MS);
  queueVacuum.unref();

  const mark = () =>
    markResync(handle.db).catch((error: unknown) => logger.error("resync mark failed", describeError(error)));
  const markTick = setInterval(() => void mark(), RESYNC_MARK_MS);
  markTick.unref();

  const stopAlerts = startAlertTicks(handle.db);

  logger.info("delivery worker started", { owner: options.owner, driver: handle.driver });
  return {
    wake: loop.wake,
    stop: async () => {
      clearTimeout(first);
      clearInterval(hourly);
      clearInterval(heldSweep);
      clearInterval(queueVacuum);
      clearInterval(markTick);
      stopAlerts();
      await unlisten?.().catch(() => {});
      await loop.stop();
      await closeDeliveryPools();
      logger.info("delivery worker stopped", { owner: options.owner });
    },
  };
}
