// Structured one-line JSON logs. Callers pass identifiers and counts, never personal data
// (no porteur or user email, name or phone): requests' bodies are never logged.
import { env } from "@/env";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof levels, "silent">;
type Sink = (level: Level, line: string) => void;

const processSink: Sink = (level, line) => (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
let sink: Sink = processSink;
let threshold: number = levels[env.LOG_LEVEL];

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (levels[level] < threshold) return;
  sink(level, JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }));
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};

/** Sends every log line (all levels) to `capture` until the returned function is called: lets tests read what would be logged. */
export function captureLogs(capture: (line: string) => void): () => void {
  const previous = { sink, threshold };
  sink = (_level, line) => capture(line);
  threshold = levels.debug;
  return () => {
    sink = previous.sink;
    threshold = previous.threshold;
  };
}
