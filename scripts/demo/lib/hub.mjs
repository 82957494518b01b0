// Builds (once) and runs a real hub for the demo and its tests: `next start` on the embedded PGlite
// database in a fresh temporary DATA_DIR, embedded delivery worker, generated secrets. The command
// line (`npm run communs`) is routed through the running server by the server bridge, so it never
// opens the embedded database itself.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { newestSourceTime } from "../../lib/newest-source-time.mjs";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
export const distDir = process.env.DEMO_DIST_DIR || ".next-demo";

/** Settings inherited from the caller's shell that would change what the demo runs against. */
const DROPPED = [
  "DATABASE_URL",
  "TEST_DATABASE_URL",
  "INNGEST_EVENT_KEY",
  "INNGEST_SIGNING_KEY",
  "INNGEST_BASE_URL",
  "INNGEST_DEV",
  "NEXT_DIST_DIR",
  "DATA_DIR",
  "PORT",
  "NODE_ENV",
  "WORKER_ENABLED",
  "WEBHOOK_RETRY_SCHEDULE",
  "WEBHOOK_ALLOW_PRIVATE_URLS",
  "VITEST",
  "VITEST_POOL_ID",
  "VITEST_WORKER_ID",
];

function baseEnv(extra) {
  const env = { ...process.env };
  for (const name of DROPPED) delete env[name];
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

/** Runs a command, collecting its output; rejects with the output's tail on a non-zero exit. */
export function run(command, args, { env, cwd = repoRoot, timeoutMs, onLine } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (onLine) for (const line of String(d).split("\n")) if (line.trim()) onLine(line);
    });
    child.stderr.on("data", (d) => (stderr += d));
    const timer = timeoutMs
      ? setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {}
          reject(new Error(`${command} ${args.join(" ")} : pas terminé après ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs)
      : null;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n");
        const error = new Error(`${command} ${args.join(" ")} a échoué (code ${code}) :\n${tail}`);
        error.stdout = stdout;
        error.stderr = stderr;
        reject(error);
      }
    });
  });
}

/**
 * Builds the hub (`npm run build`) into `distDir` unless a build newer than every source is there.
 * With DEMO_DIST_DIR set (e.g. to the build CI has just made), an existing build is always reused.
 * Returns whether a build ran.
 */
export async function ensureBuild({ force = false, log = () => {} } = {}) {
  const buildId = path.join(repoRoot, distDir, "BUILD_ID");
  if (!force && existsSync(buildId)) {
    if (process.env.DEMO_DIST_DIR || statSync(buildId).mtimeMs >= newestSourceTime(repoRoot)) return false;
  }
  log(`Construction du hub (npm run build dans ${distDir}/, une à quelques minutes)…`);
  await run("npm", ["run", "-s", "build"], {
    env: baseEnv({ NEXT_DIST_DIR: distDir, NODE_ENV: "production" }),
    timeoutMs: 20 * 60_000,
  });
  return true;
}

export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a child started with `detached: true` (its own process group, so that npm/tsx's children
 * go too): SIGTERM to the group, then SIGKILL once `graceMs` has passed without an exit.
 */
export async function stopGroup(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {}
  };
  signal("SIGTERM");
  if (!(await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]))) {
    signal("SIGKILL");
    await Promise.race([exited, sleep(5_000)]);
  }
}

/**
 * Starts `next start` on 127.0.0.1:`port` with a fresh DATA_DIR and waits until /api/health answers
 * 200 and the command-line bridge is published. `stop()` ends the server's whole process group.
 */
export async function startHub({ port, startTimeoutMs = 90_000, extraEnv = {} }) {
  if (!(await portIsFree(port))) throw new Error(`Le port ${port} est déjà occupé : choisissez-en un autre (DEMO_HUB_PORT).`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "les-communs-demo-"));
  const url = `http://127.0.0.1:${port}`;
  const env = baseEnv({
    NODE_ENV: "production",
    NEXT_DIST_DIR: distDir,
    PORT: String(port),
    DATA_DIR: dataDir,
    EMAIL_HASH_SECRET: randomBytes(32).toString("hex"),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    NEXTAUTH_URL: url,
    // Loopback receivers are refused in production unless this development setting allows them.
    WEBHOOK_ALLOW_PRIVATE_URLS: "true",
    // Compressed retry waits: a receiver that missed a delivery gets it again within seconds.
    WEBHOOK_RETRY_SCHEDULE: "300,1000,2000,4000",
    WEBHOOK_TIMEOUT_MS: "5000",
    WORKER_ENABLED: "true",
    // Keys of this throwaway hub are test keys, whatever NODE_ENV says.
    API_KEY_PREFIX: "lc_test_",
    LOG_LEVEL: "warn",
    ...extraEnv,
  });
  const child = spawn(path.join(repoRoot, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });

  let stopped = false;
  const stop = async ({ keepData = false } = {}) => {
    if (!stopped) {
      stopped = true;
      await stopGroup(child, 10_000);
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  const hub = { url, port, dataDir, env, pid: child.pid, stop, output: () => output, exited: () => exited };
  const deadline = Date.now() + startTimeoutMs;
  try {
    for (;;) {
      if (exited) throw new Error(`Le hub s'est arrêté au démarrage (code ${exited.code}) :\n${output.trim().split("\n").slice(-20).join("\n")}`);
      if (Date.now() > deadline) throw new Error(`Le hub ne répond pas sur ${url}/api/health après ${startTimeoutMs / 1000} s.`);
      const healthy = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
      if (healthy && existsSync(path.join(dataDir, "server.json"))) break;
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return hub;
}

/**
 * `npm run communs -- <args>` against a running hub (same DATA_DIR and secrets): returns the JSON
 * object printed on the last line of stdout.
 */
export async function communs(hub, args) {
  const { stdout } = await run("npm", ["run", "--silent", "communs", "--", ...args], { env: hub.env, timeoutMs: 60_000 });
  const last = stdout.trim().split("\n").pop();
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`npm run communs -- ${args.join(" ")} : sortie inattendue : ${last}`);
  }
}
