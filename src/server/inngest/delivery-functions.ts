// The Inngest driver: thin wrappers over the delivery core (each round expands the events queued
// by writes, then claims: deliver-batch.ts). Postgres holds the queue and the
// webhook retry schedule; Inngest only decides when to run a drain. A kick event (sent after a
// commit) and a cron sweep every minute both start a drain, which delivers batch after batch and,
// when the next retry is due within the minute, sleeps durably until then instead of waiting for
// the next sweep. HTTP failures are data recorded by the core, never thrown: Inngest retries only
// infrastructure errors (database unreachable).
import { getDatabase, getDb } from "@/db";
import { env } from "@/env";
import { deliverBatch } from "@/modules/delivery/deliver-batch";
import { newWorkerId } from "@/modules/delivery/delivery-options";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { nextDueAt } from "@/modules/delivery/next-due-at";
import { sweepHeldChanges } from "@/modules/outbox/release-held-changes";
import { markResync } from "@/modules/projects/mark-resync";
import { claimPeriodicJob } from "@/modules/retention/claim-periodic-job";
import { runRetentionUpkeep } from "@/modules/retention/run-retention-upkeep";
import { observeAttempt } from "../metrics";
import { traceAttempt } from "../telemetry/trace-delivery";
import { inngest, OUTBOX_KICK_EVENT } from "./client";
import { QUEUE_VACUUM_EVERY_MS, vacuumDeliveryQueue } from "@/modules/delivery/vacuum-delivery-queue";

/** Rounds per run: each is a step, and a function may have at most 1000 steps. */
export const MAX_DRAIN_ROUNDS = 200;
/** A retry due later than this is left to the next cron sweep. */
const SLEEP_HORIZON_MS = 55_000;

const owner = newWorkerId("inngest");

export const drainOutbox = inngest.createFunction(
  {
    id: "drain-outbox",
    name: "Livrer les webhooks en attente",
    triggers: [{ event: OUTBOX_KICK_EVENT }, { cron: "* * * * *" }],
    // Runs share the queue through SKIP LOCKED; a few in parallel is enough and bounds the load.
    concurrency: { limit: 4 },
    retries: 3,
  },
  async ({ step }) => {
    let claimed = 0;
    let delivered = 0;
    for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
      const batch = await step.run(`deliver-batch-${round}`, async () => {
        const summary = await deliverBatch(await getDb(), deliveryOptionsFromEnv({ owner }), {
          onAttempted: (delivery, outcome) => {
            observeAttempt(delivery, outcome);
            traceAttempt(delivery, outcome);
          },
        });
        return { claimed: summary.claimed, delivered: summary.delivered, expanded: summary.expanded };
      });
      claimed += batch.claimed;
      delivered += batch.delivered;
      // Events expanded (the round before its claim, deliver-batch.ts): their deliveries may be due.
      if (batch.claimed > 0 || batch.expanded > 0) continue;
      // Decided inside a step so that the run replays deterministically.
      const next = await step.run(`next-due-${round}`, async () => {
        const at = await nextDueAt(await getDb());
        return at && at.getTime() - Date.now() <= SLEEP_HORIZON_MS ? at.toISOString() : null;
      });
      if (!next) break;
      await step.sleepUntil(`wait-${round}`, next);
    }
    return { claimed, delivered };
  },
);

export const purgeDeliveries = inngest.createFunction(
  {
    id: "purge-delivery-history",
    name: "Purger l'historique des livraisons",
    triggers: [{ cron: "TZ=Europe/Paris 30 3 * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    // Claimed like the embedded worker's hourly purge, should a separate worker also run one.
    return step.run("purge", async () => {
      const handle = await getDatabase();
      if (!(await claimPeriodicJob(handle.db, "retention-purge", 3_600_000 - 60_000))) return null;
      // On PGlite, also the vacuum of what was purged: it has no autovacuum (run-retention-upkeep.ts).
      return runRetentionUpkeep(handle, { webhookDays: env.WEBHOOK_RETENTION_DAYS, eventDays: env.EVENT_RETENTION_DAYS, auditDays: env.AUDIT_RETENTION_DAYS });
    });
  },
);

/** Records a resync mark every minute (mark-resync.ts): an `updatedSince` returns at most a minute before it. */
export const markResyncEveryMinute = inngest.createFunction(
  { id: "mark-resync", name: "Marquer la reprise des projets", triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => step.run("mark", async () => markResync(await getDb())),
);

/**
 * Releases held changes left behind by a writer that raced with a re-enable (it read "disabled"
 * and committed its held row after the re-enable's release), then kicks a drain. Re-enables
 * release their own held changes in their transaction: this only catches the stragglers.
 */
export const releaseHeld = inngest.createFunction(
  {
    id: "release-held-changes",
    name: "Envoyer les changements retenus des webhooks réactivés",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const released = await step.run("sweep", async () => sweepHeldChanges(await getDb()));
    if (released > 0) await step.sendEvent("kick", { name: OUTBOX_KICK_EVENT, data: {} });
    return { released };
  },
);

/** Vacuums the delivery queue every minute (vacuum-delivery-queue.ts), once over the instances. */
export const vacuumQueue = inngest.createFunction(
  { id: "vacuum-delivery-queue", name: "Nettoyer la file des livraisons", triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) =>
    step.run("vacuum", async () => {
      const db = await getDb();
      if (!(await claimPeriodicJob(db, "queue-vacuum", QUEUE_VACUUM_EVERY_MS - 1_000))) return { vacuumed: false };
      await vacuumDeliveryQueue(db);
      return { vacuumed: true };
    }),
);

export const deliveryFunctions = [drainOutbox, purgeDeliveries, releaseHeld, markResyncEveryMinute, vacuumQueue];
