// The process's tracing, from the OTEL_* settings (off when no endpoint is set): started once by the
// server's boot and by the separate worker process.
import { env } from "@/env";
import { startTracing, type Tracing } from "./start-tracing";

/** Starts tracing if the settings ask for it; returns it (to flush on shutdown) or null. */
export function startTracingFromEnv(): Tracing | null {
  return startTracing({
    serviceName: env.OTEL_SERVICE_NAME,
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
    disabled: env.OTEL_SDK_DISABLED,
  });
}
