// Resident memory of the hub's processes during a bench run (issue #17: < 500 MiB throughout).
// Every ~250 ms, reads VmRSS from /proc/<pid>/status of every process in each tracked process group
// (the harness starts each `next start`, and a separate worker, in a group of its own, so that the
// group also holds whatever the leader forks) and sums it: the hub's resident memory at that
// moment. Keeps the peak of that sum over the whole run and over each window (a bench phase), and
// each process's VmHWM (the kernel's own peak of one process, which also catches a spike between
// two samples). Linux only: elsewhere, every figure stays null.
import { readFile } from "node:fs/promises";
import { readProcStats } from "./proc-stats.mjs";

const KIB_PER_MIB = 1024;

/** `VmRSS` and `VmHWM` of one process in KiB, or null when it is gone. */
async function memoryOf(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  } catch {
    return null;
  }
}

/** Process ids whose process group is one of `groups`. */
async function membersOf(groups) {
  try {
    return [...(await readProcStats())].filter(([, p]) => groups.has(p.pgrp)).map(([pid]) => pid);
  } catch {
    return [];
  }
}

/**
 * Starts sampling; returns `track(pid, label)` / `untrack(pid)` for process-group leaders,
 * `openWindow()` → a window whose `peakMiB` is the highest summed RSS seen while it was open
 * (`closeWindow(window)` stops it), and `summary()` for the whole run. `stop()` ends the sampling.
 */
export function startRssSampler({ intervalMs = 250, rescanMs = 1_000 } = {}) {
  const groups = new Map(); // process-group id → label
  let members = [];
  let lastScan = 0;
  let running = false;
  let peakKiB = null;
  let peakLabels = [];
  const hwmKiB = new Map(); // pid → highest VmHWM read
  const windows = new Set();

  const sample = async () => {
    if (running || groups.size === 0) return;
    running = true;
    try {
      if (Date.now() - lastScan >= rescanMs) {
        members = await membersOf(new Set(groups.keys()));
        lastScan = Date.now();
      }
      let total = 0;
      let seen = 0;
      for (const pid of members) {
        const m = await memoryOf(pid);
        if (!m) continue;
        seen++;
        total += m.rss;
        hwmKiB.set(pid, Math.max(hwmKiB.get(pid) ?? 0, m.hwm));
      }
      if (seen === 0) return;
      if (peakKiB === null || total > peakKiB) {
        peakKiB = total;
        peakLabels = [...groups.values()];
      }
      for (const w of windows) w.peakKiB = Math.max(w.peakKiB ?? 0, total);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  const mib = (kib) => (kib === null || kib === undefined ? null : Math.round((10 * kib) / KIB_PER_MIB) / 10);

  return {
    track(pid, label) {
      groups.set(pid, label);
      lastScan = 0;
    },
    untrack(pid) {
      groups.delete(pid);
      lastScan = 0;
    },
    /** The process-group ids tracked now (the hub's processes: cpu-usage.mjs counts their CPU). */
    groups() {
      return new Set(groups.keys());
    },
    openWindow() {
      const w = { peakKiB: null };
      windows.add(w);
      return w;
    },
    closeWindow(w) {
      windows.delete(w);
      return mib(w.peakKiB);
    },
    /** {peak_mib (summed RSS of the tracked groups), max_process_hwm_mib, at (labels tracked at the peak)}. */
    summary() {
      return { peak_mib: mib(peakKiB), max_process_hwm_mib: hwmKiB.size ? mib(Math.max(...hwmKiB.values())) : null, at: peakLabels };
    },
    stop() {
      clearInterval(timer);
    },
  };
}
