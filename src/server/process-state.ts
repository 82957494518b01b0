// The server process's singletons in one place (issue #16, code health): whether it booted, the
// steps to run at shutdown, the embedded delivery worker, the pending cross-process NOTIFY, and
// the other adapters' one-per-process objects (metrics registry, auth-failure throttle, the peer
// address hook) through `processSingleton`. Both boot.ts and delivery-driver.ts use this module
// instead of each other (no import cycle). On globalThis, under one key: Next.js may load a module
// more than once in one process (instrumentation and route bundles), and every copy must see the
// same state. Only the database handle (src/db/index.ts) keeps its own key: src/db is a lower
// layer than src/server.
import type { EmbeddedWorker } from "./worker/start-embedded-worker";

export type ShutdownStep = () => Promise<void>;

type ProcessState = {
  booted: boolean;
  /** Run most recent first by the signal handler of boot.ts. */
  shutdownSteps: ShutdownStep[];
  worker: EmbeddedWorker | undefined;
  notifyPending: boolean;
  /** When the cross-process NOTIFY now running was sent (ms since the epoch), or null. */
  notifySentAt: number | null;
  /** `processSingleton`'s instances, by name. */
  singletons: Map<string, unknown>;
};

const key = Symbol.for("les-communs.process-state");

export const processState: ProcessState = ((globalThis as { [key]?: ProcessState })[key] ??= {
  booted: false,
  shutdownSteps: [],
  worker: undefined,
  notifyPending: false,
  notifySentAt: null,
  singletons: new Map(),
});

/**
 * The process's one instance named `name`: made by `create` on first use, then the same object for
 * every module copy of the process. `create` must not throw half-way (nothing is kept if it does).
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const slots = processState.singletons;
  if (!slots.has(name)) slots.set(name, create());
  return slots.get(name) as T;
}

/** Registers work to undo on shutdown (most recent first). */
export function onShutdown(step: ShutdownStep): void {
  processState.shutdownSteps.unshift(step);
}
