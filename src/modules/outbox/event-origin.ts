// Where a change comes from (issue #16): the request id and the W3C trace context of the API request
// that made it, stored with its events so that the deliveries it causes can be followed in the logs
// and in a trace. The HTTP adapters set it for the duration of a request; the outbox reads it when it
// writes events. Outside a request (CLI, worker, tests) there is none.
import { AsyncLocalStorage } from "node:async_hooks";

export type EventOrigin = {
  /** The request id the API answered with (`X-Request-Id`). */
  requestId: string | null;
  /** W3C Trace Context `traceparent` of the request's span, when tracing is on. */
  traceParent: string | null;
};

const scope = new AsyncLocalStorage<EventOrigin>();

/** Runs `fn` with `origin` as the origin of every event it enqueues (also across awaits). */
export function withEventOrigin<T>(origin: EventOrigin, fn: () => T): T {
  return scope.run(origin, fn);
}

/** The origin of the events enqueued now, or null outside a request. */
export function currentEventOrigin(): EventOrigin | null {
  return scope.getStore() ?? null;
}
