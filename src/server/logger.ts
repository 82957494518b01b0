// Structured one-line JSON logs through pino (issue #16). Callers pass identifiers and counts, never
// personal data (no porteur or user email, name or phone; requests' bodies are never logged); the
// redaction paths below are a second net, configured here once. Every line written while an API
// request is handled carries its request id (`requestId`, see `withRequestId`).
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Level, type Logger } from "pino";
import { env } from "@/env";

/**
 * Field names never written, at the top level or one or two levels down (pino's redaction paths):
 * the personal data of the contract (§1: porteur, users' email, name, phone) and credentials.
 */
export const REDACTED_FIELDS = [
  "email",
  "emails",
  "telephone",
  "nom",
  "prenom",
  "porteur",
  "user",
  "userEmail",
  "authorization",
  "cookie",
  "key",
  "apiKey",
  "secret",
  "token",
  "password",
  "body",
] as const;

const redactPaths = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

type Sink = (level: Level, line: string) => void;
const processSink: Sink = (level, line) => (level === "error" || level === "fatal" || level === "warn" ? process.stderr : process.stdout).write(line);
let sink: Sink = processSink;

// A pino destination that forwards each line to the current sink (tests swap it); pino's metadata
// protocol gives the level of the line being written.
const destination = {
  [Symbol.for("pino.metadata")]: true,
  lastLevel: 30,
  write(line: string) {
    sink(pino.levels.labels[this.lastLevel] as Level, line);
  },
};

const requestScope = new AsyncLocalStorage<{ requestId: string }>();

const base: Logger = pino(
  {
    // Undefined while `next build` collects pages (settings are not validated then).
    level: env.LOG_LEVEL ?? "info",
    base: undefined,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths, censor: "[redacted]" },
    // The request id of the API request being handled, on every line written during it.
    mixin: () => {
      const scope = requestScope.getStore();
      return scope ? { requestId: scope.requestId } : {};
    },
  },
  destination,
);

type Fields = Record<string, unknown>;
const write = (level: "debug" | "info" | "warn" | "error") => (message: string, fields?: Fields) => base[level](fields ?? {}, message);

/** Where error lines also go when error reporting is on (telemetry/error-reporting.ts, SENTRY_DSN). */
type ErrorReporter = { report(message: string, fields: Fields, error?: unknown): void };
let errorReporter: ErrorReporter | null = null;

/** Sends every later `logger.error` line to `reporter` too (null: stop). */
export function setErrorReporter(reporter: ErrorReporter | null): void {
  errorReporter = reporter;
}

/**
 * The hub's logger: `logger.info(message, fields)`; fields are identifiers and counts only.
 * `logger.error(message, fields, error)` also reports to Sentry when it is configured: the same
 * message and fields, and `error`'s class and stack frames (never its message).
 */
export const logger = {
  debug: write("debug"),
  info: write("info"),
  warn: write("warn"),
  error: (message: string, fields?: Fields, error?: unknown) => {
    write("error")(message, fields);
    errorReporter?.report(message, { ...fields, ...currentRequestFields() }, error);
  },
};

function currentRequestFields(): Fields {
  const scope = requestScope.getStore();
  return scope ? { requestId: scope.requestId } : {};
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id of an incoming request: its `X-Request-Id` when it is a short token (letters,
 * digits, `.`, `_`, `:`, `-`; at most 128 characters, so a header cannot smuggle data into the
 * logs), otherwise a new UUID.
 */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given !== null && requestIdPattern.test(given) ? given : crypto.randomUUID();
}

/** Runs `fn` with `requestId` added to every log line it writes (also across awaits). */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

/** The request id of the request being handled, or undefined outside one. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/**
 * What may be logged of an unexpected error: its class name and codes (driver or SQLSTATE), of the
 * error and of its cause. Never its message: a database error's message quotes the SQL and its
 * parameters, a PostgreSQL message may quote the offending value (issue #14, finding 3).
 */
export function describeError(error: unknown): { error: string; code?: string; cause?: string; causeCode?: string } {
  const nameOf = (e: unknown) => (e instanceof Error ? e.name : typeof e);
  const codeOf = (e: unknown) => {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === "string" || typeof code === "number" ? String(code).slice(0, 40) : undefined;
  };
  const cause = (error as { cause?: unknown } | null)?.cause;
  const fields: { error: string; code?: string; cause?: string; causeCode?: string } = { error: nameOf(error) };
  const code = codeOf(error);
  if (code) fields.code = code;
  if (cause !== undefined && cause !== null && cause !== error) {
    fields.cause = nameOf(cause);
    const causeCode = codeOf(cause);
    if (causeCode) fields.causeCode = causeCode;
  }
  return fields;
}

/** Sends every log line (all levels) to `capture` until the returned function is called: lets tests read what would be logged. */
export function captureLogs(capture: (line: string) => void): () => void {
  const previous = { sink, level: base.level };
  sink = (_level, line) => capture(line.endsWith("\n") ? line.slice(0, -1) : line);
  base.level = "debug";
  return () => {
    sink = previous.sink;
    base.level = previous.level;
  };
}
