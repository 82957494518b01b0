// Child processes of the bench and fault harnesses: each runs in its own process group so that it
// can be stopped whole (next start forks workers), and every group still alive is killed when the
// harness exits, fails or is interrupted. Nothing here ever signals a process it did not start.
import { spawn } from "node:child_process";

const groups = new Set();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function killAllStarted() {
  for (const pid of groups) killGroup(pid, "SIGKILL");
  groups.clear();
}

process.on("exit", killAllStarted);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    killAllStarted();
    process.exit(130);
  });
}

/**
 * Starts a command in a new process group. Output is kept (last 200 lines) for failure reports and
 * optionally echoed with a prefix. `stdin: "pipe"` keeps the child's stdin open for the caller to write.
 */
export function startGroup(name, command, args, { cwd, env, echo = false, onLine, stdin = "ignore" } = {}) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: [stdin, "pipe", "pipe"] });
  groups.add(child.pid);
  const tail = [];
  const feed = (stream) => {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop();
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 200) tail.shift();
        if (echo) process.stderr.write(`[${name}] ${line}\n`);
        onLine?.(line);
      }
    });
  };
  feed(child.stdout);
  feed(child.stderr);
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    name,
    pid: child.pid,
    child,
    exited,
    tail: () => tail.join("\n"),
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    /** Sends a signal to the whole group and waits (bounded) for the leader to exit. */
    async kill(signal = "SIGTERM", waitMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) killGroup(child.pid, signal);
      const done = await Promise.race([exited.then(() => true), sleep(waitMs).then(() => false)]);
      if (!done) {
        killGroup(child.pid, "SIGKILL");
        await Promise.race([exited, sleep(5_000)]);
      }
      // Forked grandchildren may outlive the leader: make sure the group is gone.
      killGroup(child.pid, "SIGKILL");
      groups.delete(child.pid);
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `startGroup`, then waits for the output line that says the process is ready (`isReady(line)`).
 * Throws, with the process's last output, if it exits first or stays silent for `timeoutMs`.
 */
export async function startGroupReady(name, command, args, { isReady, timeoutMs = 30_000, ...options }) {
  let ready;
  const readyLine = new Promise((resolve) => (ready = resolve));
  const proc = startGroup(name, command, args, { ...options, onLine: (line) => isReady(line) && ready() });
  const ok = await Promise.race([readyLine.then(() => true), proc.exited.then(() => false), sleep(timeoutMs).then(() => false)]);
  if (!ok) {
    const tail = proc.tail();
    await proc.kill("SIGKILL");
    throw new Error(`${name} did not start:\n${tail}`);
  }
  return proc;
}

/** Runs a command to completion with a time limit; resolves to {code, stdout, stderr}. */
export function runBounded(command, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    groups.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (c) => (stdout += c));
    child.stderr?.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      groups.delete(child.pid);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
  });
}

/**
 * Runs a harness's `main` (resolving to true when everything passed) under an overall time limit,
 * kills every process group it started, and exits 0 or 1.
 */
export async function runHarness(name, main, { limitMs, log = (line) => process.stdout.write(`${line}\n`) }) {
  const overall = setTimeout(() => {
    log(`${name}: overall time limit (${Math.round(limitMs / 60_000)} min) reached`);
    killAllStarted();
    process.exit(1);
  }, limitMs);
  overall.unref();
  let ok = false;
  try {
    ok = await main();
  } catch (error) {
    log(`${name} failed to run: ${error?.stack ?? error}`);
  }
  killAllStarted();
  process.exit(ok ? 0 : 1);
}
