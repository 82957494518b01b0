// The trace and log side of a change's journey (issue #16): the API request's trace context is
// stored with its events (event-origin.ts); each delivery attempt becomes a span whose parent is
// that request's span, and a log line that carries the request's id.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { AttemptOutcome } from "@/modules/delivery/attempt-delivery";
import type { ClaimedDelivery } from "@/modules/delivery/claim-deliveries";
import { logger, withRequestId } from "../logger";

const tracer = () => trace.getTracer("les-communs-hub");

/** The W3C `traceparent` of the span active now, or null (tracing off, or no span). */
export function activeTraceParent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/**
 * Records one delivery attempt as a CLIENT span, child of the span of the request that made the
 * change (a root span for changes made outside a request), timed by the attempt itself
 * (`startedAt`, `durationMs`), and writes a debug log line with the request's id.
 */
export function traceAttempt(delivery: ClaimedDelivery, outcome: AttemptOutcome): void {
  const parent = delivery.origin.traceParent ? propagation.extract(ROOT_CONTEXT, { traceparent: delivery.origin.traceParent }) : ROOT_CONTEXT;
  const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const span = tracer().startSpan(
    "webhook attempt",
    {
      kind: SpanKind.CLIENT,
      startTime: outcome.startedAt,
      attributes: {
        "http.request.method": "POST",
        "les_communs.service": delivery.service,
        "les_communs.delivery_id": delivery.id,
        "les_communs.event_id": delivery.eventId,
        "les_communs.attempt": delivery.attemptNumber,
        ...(outcome.statusCode !== null ? { "http.response.status_code": outcome.statusCode } : {}),
        ...(outcome.errorClass ? { "error.type": outcome.errorClass } : {}),
      },
    },
    parent,
  );
  if (!delivered) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorClass ?? `HTTP ${outcome.statusCode}` });
  span.end(new Date(outcome.startedAt.getTime() + outcome.durationMs));

  const line = () =>
    logger.debug("webhook attempt", {
      service: delivery.service,
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      attempt: delivery.attemptNumber,
      statusCode: outcome.statusCode,
      errorClass: outcome.errorClass,
      durationMs: outcome.durationMs,
    });
  if (delivery.origin.requestId) withRequestId(delivery.origin.requestId, line);
  else line();
}
