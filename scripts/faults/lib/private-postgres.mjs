// A throwaway PostgreSQL cluster for the "PostgreSQL restarted during traffic" case: same binaries
// and defaults as the machine's server (fsync on, synchronous_commit on), its own data directory and
// loopback port, so that restarting it never disturbs anyone else using the shared server. Falls
// back to the machine's own cluster (pg_ctlcluster) when initdb is not available.
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBounded } from "../../bench/lib/proc.mjs";

function findBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : null;
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(bin, args, timeoutMs = 60_000) {
  const isRoot = process.getuid?.() === 0;
  return isRoot ? runBounded("runuser", ["-u", "postgres", "--", bin, ...args], { timeoutMs }) : runBounded(bin, args, { timeoutMs });
}

export async function startPrivatePostgres(port) {
  const binDir = findBinDir();
  if (!binDir) throw new Error("PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql");
  const dir = mkdtempSync(path.join(os.tmpdir(), "lc-faults-pg-"));
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const init = await asPostgres(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], 120_000);
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60`;
  const pgCtl = (args, timeoutMs) => asPostgres(path.join(binDir, "pg_ctl"), args, timeoutMs);
  const start = async () => {
    const r = await pgCtl(["-D", dataDir, "-l", logFile, "-o", options, "-w", "-t", "60", "start"], 90_000);
    if (r.code !== 0) throw new Error(`pg_ctl start failed: ${r.stderr || r.stdout}`);
  };
  const stop = async (mode = "fast") => {
    const r = await pgCtl(["-D", dataDir, "-m", mode, "-w", "-t", "60", "stop"], 90_000);
    if (r.code !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr || r.stdout}`);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      await stop("immediate").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds() {
  const r = await runBounded("id", ["-u", "postgres"]);
  const g = await runBounded("id", ["-g", "postgres"]);
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The machine's own cluster, restarted with pg_ctlcluster (affects every user of it for seconds). */
export function sharedClusterControl(baseUrl) {
  const version = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql").sort((a, b) => Number(b) - Number(a))[0] : null;
  if (!version) throw new Error("no /etc/postgresql cluster to restart");
  const ctl = (action) => runBounded("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", action], { timeoutMs: 90_000 });
  return {
    url: baseUrl,
    start: async () => {
      const r = await ctl("start");
      if (r.code !== 0 && !/already running/i.test(r.stderr)) throw new Error(`pg_ctlcluster start: ${r.stderr}`);
    },
    stop: async () => {
      const r = await ctl("stop");
      if (r.code !== 0) throw new Error(`pg_ctlcluster stop: ${r.stderr}`);
    },
    destroy: async () => {
      await ctl("start");
    },
  };
}
