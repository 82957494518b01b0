// /proc/<pid>/stat of every process, read once for the bench's samplers (rss-sampler.mjs: the
// members of the hub's process groups; cpu-usage.mjs: their CPU time and PostgreSQL's). Linux only.
import { readdir, readFile } from "node:fs/promises";

/**
 * Every process's command name, process group and CPU time (utime + stime, in clock ticks), by pid.
 * A process that exits while it is read is left out. Throws when /proc cannot be listed.
 */
export async function readProcStats() {
  const processes = new Map();
  const entries = await readdir("/proc");
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pid) => {
        try {
          const stat = await readFile(`/proc/${pid}/stat`, "utf8");
          // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
          const close = stat.lastIndexOf(")");
          const f = stat.slice(close + 2).split(" ");
          // From field 3 (state): pgrp is field 5, utime 14, stime 15.
          processes.set(Number(pid), { comm: stat.slice(stat.indexOf("(") + 1, close), pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) });
        } catch {
          // exited meanwhile
        }
      }),
  );
  return processes;
}
