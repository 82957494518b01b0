// Optional error reporting to Sentry (issue #16: SENTRY_DSN, as ANCT projects use it; off when
// unset), on @sentry/core's server client with no integration: nothing is collected on its own (no
// request, no user, no breadcrumbs, no local variables, no source lines). What goes is what the
// hub's error log line says — its message and its identifier and code fields (logger.ts) — with the
// error's class and stack frames (file, function, line); never the error's own message, which may
// quote a SQL parameter or an email (issue #14, finding 3). `scrubEvent` is a second net.
import { ServerRuntimeClient, createStackParser, createTransport, nodeStackLineParser, type Event, type Exception } from "@sentry/core";

export type ErrorReportingSettings = {
  /** The project's DSN (`https://<key>@<host>/<project>`). */
  dsn: string;
  environment?: string;
  release?: string;
};

export type ErrorReporting = {
  /** Reports one error log line: `message` and `fields` as logged, `error` for its class and stack. */
  report(message: string, fields: Record<string, unknown>, error?: unknown): void;
  /** Waits up to `timeoutMs` (ms) for the events in flight; false when some were not sent in time. */
  flush(timeoutMs: number): Promise<boolean>;
};

const stackParser = createStackParser(nodeStackLineParser());
const emailPattern = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;

/**
 * Starts the Sentry client (its transport posts envelopes with the runtime's fetch) and returns the
 * reporter. Throws when the DSN cannot be parsed (`src/env.ts` validates it first).
 */
export function startErrorReporting(settings: ErrorReportingSettings): ErrorReporting {
  const client = new ServerRuntimeClient({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    integrations: [],
    sendDefaultPii: false,
    maxBreadcrumbs: 0,
    stackParser,
    platform: "node",
    runtime: { name: "node", version: process.version },
    transport: (options) =>
      createTransport(options, async (request) => {
        const response = await fetch(options.url, { method: "POST", body: request.body as BodyInit, headers: options.headers });
        return {
          statusCode: response.status,
          headers: { "x-sentry-rate-limits": response.headers.get("x-sentry-rate-limits"), "retry-after": response.headers.get("retry-after") },
        };
      }),
    beforeSend: (event) => scrubEvent(event),
  });
  client.init();
  return {
    report(message, fields, error) {
      client.captureEvent({ level: "error", message, exception: { values: [exceptionOf(message, error)] }, tags: tagsOf(fields) });
    },
    flush: async (timeoutMs) => client.flush(timeoutMs),
  };
}

/** The exception as sent: the error's class and frames, with the log message as its value. */
function exceptionOf(message: string, error: unknown): Exception {
  if (!(error instanceof Error)) return { type: "Error", value: message };
  const frames = stackParser(error.stack ?? "").map(({ filename, function: fn, lineno, colno, in_app }) => ({ filename, function: fn, lineno, colno, in_app }));
  return { type: error.name, value: message, stacktrace: frames.length > 0 ? { frames } : undefined };
}

/** Log fields as Sentry tags: scalars only (identifiers, codes, counts), 200 characters at most. */
function tagsOf(fields: Record<string, unknown>): Record<string, string | number | boolean> {
  const tags: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "number" || typeof value === "boolean") tags[key] = value;
    else if (typeof value === "string") tags[key] = value.slice(0, 200);
  }
  return tags;
}

/**
 * The last net before sending: drops what a Sentry SDK may attach on its own (request, user,
 * breadcrumbs, extra data, the machine's name) and masks anything shaped like an email address.
 */
export function scrubEvent<E extends Event>(event: E): E {
  const { request: _request, user: _user, breadcrumbs: _breadcrumbs, extra: _extra, server_name: _serverName, ...kept } = event;
  return JSON.parse(JSON.stringify(kept).replace(emailPattern, "[adresse masquée]")) as E;
}
