// Where the machine's CPU goes during a bench window (issue #17: "for each target missed, the
// measured cause"): the hub's processes (the process groups the RSS sampler tracks), every
// PostgreSQL server process (command name `postgres`: backends, WAL writer, checkpointer,
// autovacuum), the bench process itself (load generator, loopback receivers) and the whole machine
// (/proc/stat). Two snapshots bracket a window; their difference is CPU time in ms. Linux only:
// elsewhere a snapshot is null and so is every figure. A process that exits inside a window loses
// its share (counted from its start when it started inside it).
import { readFile } from "node:fs/promises";
import { readProcStats } from "./proc-stats.mjs";
import { execFileSync } from "node:child_process";

/** Clock ticks per second of /proc's CPU counters (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const MS_PER_TICK = 1000 / TICKS_PER_S;

/** Busy and total ticks of the whole machine (first line of /proc/stat). */
async function readMachine() {
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0); // idle + iowait
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * A snapshot of CPU counters: `hubGroups` are the process-group ids of the hub's processes.
 * Returns null where /proc cannot be read.
 */
export async function cpuSnapshot(hubGroups) {
  try {
    const [processes, machine] = await Promise.all([readProcStats(), readMachine()]);
    const hub = new Map();
    const pg = new Map();
    for (const [pid, p] of processes) {
      if (hubGroups.has(p.pgrp)) hub.set(pid, p.ticks);
      else if (p.comm === "postgres") pg.set(pid, p.ticks);
    }
    const self = process.cpuUsage();
    return { at: performance.now(), hub, pg, benchUs: self.user + self.system, machine };
  } catch {
    return null;
  }
}

function ticksBetween(before, after) {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks;
}

/**
 * CPU spent between two snapshots: `hub_ms`, `pg_ms`, `bench_ms` (CPU time), `wall_ms`, and
 * `machine_busy` (share of all cores busy, 0–1). Null when either snapshot is.
 */
export function cpuBetween(before, after) {
  if (!before || !after) return null;
  const round = (x) => Math.round(x * 10) / 10;
  const machineTotal = after.machine.total - before.machine.total;
  return {
    wall_ms: round(after.at - before.at),
    hub_ms: round(ticksBetween(before.hub, after.hub) * MS_PER_TICK),
    pg_ms: round(ticksBetween(before.pg, after.pg) * MS_PER_TICK),
    bench_ms: round((after.benchUs - before.benchUs) / 1000),
    machine_busy: machineTotal > 0 ? Math.round(((after.machine.busy - before.machine.busy) / machineTotal) * 1000) / 1000 : null,
  };
}

/** CPU ms per item (request, delivery) of a window: hub, PostgreSQL, bench; null without data. */
export function cpuPerItem(usage, items) {
  if (!usage || !items) return null;
  const per = (ms) => Math.round((ms / items) * 1000) / 1000;
  return { hub_ms: per(usage.hub_ms), pg_ms: per(usage.pg_ms), bench_ms: per(usage.bench_ms), machine_busy: usage.machine_busy };
}
