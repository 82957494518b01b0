// The production build of the hub, started as a real `next start` process on loopback, against a
// PostgreSQL database the harness creates (and drops) itself.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { newestSourceTime } from "../../lib/newest-source-time.mjs";
import { WEB_NODE_ARGS } from "../../lib/web-node-args.mjs";
import { runBounded, sleep, startGroup } from "./proc.mjs";

export const root = path.resolve(import.meta.dirname, "..", "..", "..");
export const tsxBin = path.join(root, "node_modules", ".bin", "tsx");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

/**
 * Builds into `distDir` unless a build newer than every source exists there (or `noBuild`, which
 * only requires that some build exists). Never touches `.next` unless told to use it.
 */
export async function ensureBuild(distDir, { noBuild = false, log = console.error } = {}) {
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (noBuild) {
    if (!existsSync(buildId)) throw new Error(`--no-build: no build in ${distDir} (run without --no-build once)`);
    return { built: false };
  }
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceTime(root)) return { built: false };
  log(`building the hub into ${distDir} (next build: compile, then generate)…`);
  const started = Date.now();
  // Two experimental build modes instead of one plain `next build`: the same compiled output, but
  // without the type-check pass, which also rewrites tsconfig.json and next-env.d.ts to point at
  // this dist dir (shared files; type checking is `npm run typecheck`'s job, not the harness's).
  // The guard below puts those files back byte for byte should a build touch them anyway.
  const guarded = ["tsconfig.json", "next-env.d.ts"].map((f) => path.join(root, f)).filter((f) => existsSync(f)).map((f) => [f, readFileSync(f)]);
  try {
    for (const mode of ["compile", "generate"]) {
      const result = await runBounded(process.execPath, [nextBin, "build", "--experimental-build-mode", mode], {
        cwd: root,
        env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
        timeoutMs: 900_000,
      });
      if (result.code !== 0) throw new Error(`next build (${mode}) failed:\n${(result.stdout + result.stderr).slice(-4000)}`);
    }
  } finally {
    for (const [file, content] of guarded) if (!readFileSync(file).equals(content)) writeFileSync(file, content);
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { built: true };
}

function withDatabase(baseUrl, name) {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates a fresh, empty database (dropping a leftover of the same name); `setupHub` migrates it. */
export async function createDatabase(baseUrl, name) {
  const admin = postgres(withDatabase(baseUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return withDatabase(baseUrl, name);
}

export async function dropDatabase(baseUrl, name) {
  const admin = postgres(withDatabase(baseUrl, "postgres"), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } catch (error) {
    console.error(`warning: could not drop database ${name}: ${error.message}`);
  } finally {
    await admin.end({ timeout: 5 }).catch(() => {});
  }
}

/** Extra node options for the hub process, e.g. `HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile it. */
function profilingArgs() {
  return (process.env.HUB_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
}

/** Settings every harnessed hub gets; callers add or override. */
export function hubSettings(databaseUrl, port, extra = {}) {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    EMAIL_HASH_SECRET: randomBytes(32).toString("base64url"),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    WEBHOOK_ALLOW_PRIVATE_URLS: "true",
    API_KEY_PREFIX: "lc_test_",
    RATE_LIMIT_PER_MINUTE: "100000000",
    // The fuzz sends hundreds of bad keys from one address: the failure throttle would answer 429 to
    // everything after the first 30 and hide the routes behind it.
    API_AUTH_FAILURES_PER_MINUTE: "100000000",
    LOG_LEVEL: "warn",
    WORKER_ENABLED: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    // Inngest must not be configured: the embedded worker is the driver under test.
    INNGEST_EVENT_KEY: "",
    INNGEST_SIGNING_KEY: "",
    INNGEST_BASE_URL: "",
    INNGEST_DEV: "",
    ...extra,
  };
}

/**
 * Applies migrations and configures services through the CLI's own command functions, in one
 * process: extra services, keys for the writers, webhook endpoints for the receivers. Returns the CLI results.
 */
export async function setupHub(settings, { keysFor, webhooks, consoleSessions = false, services = [] }) {
  const plan = JSON.stringify({ keysFor, webhooks, consoleSessions, services });
  const result = await runBounded(tsxBin, [path.join(import.meta.dirname, "setup-hub.ts"), plan], {
    cwd: root,
    env: settings,
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`hub setup failed:\n${result.stderr.slice(-4000)}`);
  const last = result.stdout.trim().split("\n").pop();
  return JSON.parse(last);
}

/** Waits until GET url answers 200, the process dies, or the deadline passes. */
export async function waitHealthy(baseUrl, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && !proc.alive) return false;
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
}

export async function startHub({ distDir, port, settings, echo = false, onLine }) {
  // The web process's production node options (those of `npm start` and the image), then the
  // caller's: the harnesses measure and test the hub as it is deployed.
  const proc = startGroup("hub", process.execPath, [...WEB_NODE_ARGS, ...profilingArgs(), nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...settings, NEXT_DIST_DIR: distDir },
    echo,
    onLine,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  if (!(await waitHealthy(baseUrl, proc, 90_000))) {
    const tail = proc.tail();
    await proc.kill("SIGKILL");
    throw new Error(`the hub did not become healthy on ${baseUrl}:\n${tail.slice(-4000)}`);
  }
  return { proc, baseUrl, readyMs: Date.now() - started };
}
