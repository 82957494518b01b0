// The server process's singletons in one place (issue #16, code health): whether it booted, the
// steps to run at shutdown, the embedded delivery worker, and the pending cross-process NOTIFY.
// Both boot.ts and delivery-driver.ts use this module instead of each other (no import cycle).
// On globalThis, under one key: Next.js may load a module more than once in one process
// (instrumentation and route bundles), and every copy must see the same state. The database
// handle (src/db/index.ts) and the metrics registry (metrics.ts) keep their own, lower layers.
import type { EmbeddedWorker } from "./worker/start-embedded-worker";

export type ShutdownStep = () => Promise<void>;

type ProcessState = {
  booted: boolean;
  /** Run most recent first by the signal handler of boot.ts. */
  shutdownSteps: ShutdownStep[];
  worker: EmbeddedWorker | undefined;
  notifyPending: boolean;
};

const key = Symbol.for("les-communs.process-state");

export const processState: ProcessState = ((globalThis as { [key]?: ProcessState })[key] ??= {
  booted: false,
  shutdownSteps: [],
  worker: undefined,
  notifyPending: false,
});

/** Registers work to undo on shutdown (most recent first). */
export function onShutdown(step: ShutdownStep): void {
  processState.shutdownSteps.unshift(step);
}
