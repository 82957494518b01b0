// The embedded worker's engine, framework-free: a continuous pipeline over the delivery core.
// Expands the events queued by writes into their deliveries (expand-events.ts) beside the claims
// (its own transaction and lock, so a large expansion never holds the claims back), and claims as
// long as there is capacity and work, sends each claimed delivery at once, and writes
// outcomes in coalesced transactions (one write for everything that finished meanwhile). Each
// write frees lanes and capacity, so it triggers the next claim: under load this batches, when
// idle a single change goes through with one claim and one write. Between bursts it sleeps until
// the next retry or lease expiry is due, or until woken (NOTIFY, kickDelivery), or `pollMs`.
import type { Db } from "@/db/client";
import { EXPAND_BATCH, expandEvents } from "@/modules/outbox/expand-events";
import { attemptDelivery, type AttemptOutcome } from "./attempt-delivery";
import { claimDeliveries, type ClaimedDelivery } from "./claim-deliveries";
import type { DeliveryOptions } from "./delivery-options";
import { nextDueAt } from "./next-due-at";
import { recordResults, type DeliveryResult, type RecordSummary } from "./record-results";

export type DeliveryLoopOptions = DeliveryOptions & {
  /** Deliveries in flight at once for this worker. */
  maxInFlight: number;
  /** Longest sleep without a wake-up (the fallback when notifications are missed). */
  pollMs: number;
  /**
   * Deliveries in flight to one endpoint, over every worker (counted in the database by the claim,
   * issue #16), before the claim skips it. Keeps one slow receiver from taking the whole window,
   * and requests from queueing behind its connection pool while their timeout runs.
   */
  maxInFlightPerEndpoint: number;
  onError?: (stage: "expand" | "claim" | "record" | "schedule", error: unknown) => void;
  onRecorded?: (summary: RecordSummary) => void;
  /** After each claim that took deliveries (metrics: claims, lease expiries). */
  onClaimed?: (claimed: ClaimedDelivery[]) => void;
  /** After each attempt, before its outcome is recorded (metrics: outcomes, durations). */
  onAttempted?: (delivery: ClaimedDelivery, outcome: AttemptOutcome) => void;
};

export type DeliveryLoop = { wake: () => void; stop: () => Promise<void>; readonly inFlight: number };

export function startDeliveryLoop(db: Db, options: DeliveryLoopOptions): DeliveryLoop {
  let running = true;
  let wanted = true;
  let pumping = false;
  let flushing = false;
  let inFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  const buffer: DeliveryResult[] = [];
  let idleResolvers: (() => void)[] = [];
  let expanding = false;
  let expandWanted = true;
  /** After an expansion error, no new try before this time (ms): the next wake-up after it retries. */
  let expandRetryAt = 0;
  /** When the expander last looked at the queue (ms). */
  let expandStartedAt = 0;

  const settleIfIdle = () => {
    if (inFlight === 0 && !flushing && !pumping && !expanding) {
      for (const r of idleResolvers) r();
      idleResolvers = [];
    }
  };

  const wakePump = () => {
    if (!running) return;
    wanted = true;
    if (!pumping) void pump();
  };

  // The expander: runs when woken, beside the pump, until the queue is empty; each batch expanded
  // wakes the pump for the deliveries it made.
  const expand = async () => {
    expanding = true;
    try {
      while (running && expandWanted && Date.now() >= expandRetryAt) {
        expandWanted = false;
        expandStartedAt = Date.now();
        try {
          const expanded = await expandEvents(db, { limit: EXPAND_BATCH });
          if (expanded.events > 0) wakePump();
          if (expanded.events === EXPAND_BATCH) expandWanted = true; // more may wait
        } catch (error) {
          options.onError?.("expand", error);
          expandRetryAt = Date.now() + options.pollMs;
        }
      }
    } finally {
      expanding = false;
      settleIfIdle();
    }
  };

  const wake = () => {
    if (!running) return;
    expandWanted = true;
    if (!expanding) void expand();
    wakePump();
  };

  const sleepUntilDue = async () => {
    if (timer) clearTimeout(timer);
    let delay = options.pollMs;
    try {
      const at = await nextDueAt(db);
      // nextDueAt is strictly in the future: the loop always sleeps (never a 0 ms claim loop).
      if (at) delay = Math.min(options.pollMs, Math.max(1, at.getTime() - Date.now()));
      // Events waiting for expansion make nextDueAt 1 ms away: while the expander works (it wakes
      // the pump when done) or waits to retry after an error, no need to claim in a loop.
      if (expanding) delay = options.pollMs;
      else if (Date.now() < expandRetryAt) delay = Math.max(delay, Math.min(options.pollMs, expandRetryAt - Date.now()));
    } catch (error) {
      options.onError?.("schedule", error);
    }
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(wake, delay);
  };

  const pump = async () => {
    pumping = true;
    try {
      while (running && wanted) {
        wanted = false;
        const capacity = Math.min(options.batchSize, options.maxInFlight - inFlight);
        if (capacity <= 0) break; // the next write wakes us
        let claimed;
        try {
          claimed = await claimDeliveries(db, {
            owner: options.owner,
            limit: capacity,
            leaseMs: options.leaseMs,
            maxInFlightPerEndpoint: options.maxInFlightPerEndpoint,
          });
        } catch (error) {
          options.onError?.("claim", error);
          if (timer) clearTimeout(timer);
          timer = setTimeout(wake, options.pollMs);
          break;
        }
        if (claimed.length > 0) options.onClaimed?.(claimed);
        for (const delivery of claimed) {
          inFlight++;
          void attemptDelivery(delivery, options).then((outcome) => {
            options.onAttempted?.(delivery, outcome);
            buffer.push({ delivery, outcome });
            if (!flushing) void flush();
          });
        }
        if (claimed.length === capacity) wanted = true; // maybe more due right now
        else if (claimed.length === 0 && inFlight === 0) await sleepUntilDue();
      }
    } finally {
      pumping = false;
      settleIfIdle();
    }
  };

  const flush = async () => {
    flushing = true;
    try {
      while (buffer.length > 0) {
        const batch = buffer.splice(0, 500);
        for (let attempt = 1; ; attempt++) {
          try {
            const summary = await recordResults(db, options.owner, batch, options);
            options.onRecorded?.(summary);
            break;
          } catch (error) {
            options.onError?.("record", error);
            // Give up after a few tries: the leases expire and the deliveries are attempted again.
            if (attempt >= 3) break;
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
        inFlight -= batch.length;
        // An outcome frees lanes and capacity but queues nothing to expand: it wakes the pump, and
        // the expander only when it has not started for `pollMs`. Writes wake the expander (NOTIFY,
        // kickDelivery), and so does the pump's sleep while events wait (nextDueAt); this is the
        // fallback for a pipeline kept busy by a slow receiver while notifications are missed or
        // unavailable (LISTEN behind a transaction pooler). Not at every round: under load that was
        // one more transaction per outcome round (issue #17: +19 % CPU per delivery).
        if (Date.now() - expandStartedAt >= options.pollMs) wake();
        else wakePump();
      }
    } finally {
      flushing = false;
      settleIfIdle();
    }
  };

  void expand();
  void pump();

  return {
    wake,
    get inFlight() {
      return inFlight;
    },
    stop: async () => {
      running = false;
      if (timer) clearTimeout(timer);
      // Attempts in flight finish (bounded by the timeout) and their outcomes are written, so
      // that no lease is left behind.
      if (inFlight > 0 || flushing || pumping || expanding) await new Promise<void>((r) => idleResolvers.push(r));
    },
  };
}
