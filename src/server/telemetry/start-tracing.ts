// OpenTelemetry tracing (issue #16): one tracer provider per process, registered globally so that
// Next.js's own request spans and the hub's delivery spans share it. Off unless an OTLP endpoint is
// set (standard OTEL_* settings); the exporter reads its other settings (headers, protocol options)
// from the environment itself.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";

export type TracingSettings = {
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; tracing is off without one. */
  endpoint: string | undefined;
  disabled: boolean;
};

export type Tracing = { flush: () => Promise<void>; shutdown: () => Promise<void> };

/**
 * Registers the global tracer provider, context manager (async hooks) and W3C propagator.
 * Takes the settings, and an exporter to use instead of OTLP (tests: an in-memory exporter, spans
 * exported as they end). Returns null, registering nothing, when tracing is off.
 */
export function startTracing(settings: TracingSettings, exporter?: SpanExporter): Tracing | null {
  if (!exporter && (settings.disabled || !settings.endpoint)) return null;
  const processor = exporter ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName }),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
