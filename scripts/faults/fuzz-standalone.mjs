#!/usr/bin/env node
// The fault suite's fuzz case on its own, against a hub this script starts on the embedded database
// (PGlite in a fresh temporary DATA_DIR): no PostgreSQL restart, no shared cluster touched. Reports
// the answers per surface (REST, tRPC, console pages) and fails on any 5xx or any request that must
// be refused and was not. It does not check "nothing written" (the suite's digest needs PostgreSQL).
//   node scripts/faults/fuzz-standalone.mjs [--dist-dir=.next] [--port=3920] [--count=3000] [--seed=20261123]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hubSettings, setupHub, startHub } from "../bench/lib/hub.mjs";
import { createClient, projetInput } from "../bench/lib/projets.mjs";
import { fuzzRequests } from "./lib/fuzz-requests.mjs";
import { runFuzz } from "./lib/run-fuzz.mjs";

const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
};
const distDir = option("dist-dir", process.env.NEXT_DIST_DIR || ".next");
const port = Number(option("port", 3920));
const count = Number(option("count", 3000));
const seed = Number(option("seed", 20261123));
const log = (line) => process.stdout.write(`${line}\n`);

const dataDir = mkdtempSync(path.join(os.tmpdir(), "lc-fuzz-"));
const settings = hubSettings(undefined, port, { DATA_DIR: dataDir, WORKER_ENABLED: "false" });
delete settings.DATABASE_URL;

let hub;
let client;
let failed = true;
try {
  const setup = await setupHub(settings, { keysFor: ["mec", "tet"], webhooks: {}, consoleSessions: true });
  hub = await startHub({ distDir, port, settings, echo: process.env.FUZZ_ECHO === "1" });
  client = createClient(hub.baseUrl, { connections: 8, timeoutMs: 30_000 });
  const write = async (key, method, p, body) => {
    const r = await client.send(method, p, { key, body });
    if (!(r.status >= 200 && r.status < 300)) throw new Error(`${method} ${p}: ${r.status ?? r.error} ${r.text?.slice(0, 200) ?? ""}`);
    return r.body;
  };
  const mec = setup.keys.mec;
  const target = await write(mec, "POST", "/api/v1/projets", projetInput("fuzz-target", 0, 1));
  const okBase = await write(mec, "POST", "/api/v1/projets", projetInput("fuzz-ok-base", 0, 2));
  const tetOnly = await write(setup.keys.tet, "POST", "/api/v1/projets", { ...projetInput("tet-only", 0, 3), statut: "En cours" });
  const ctx = { key: mec, targetId: target.id, tetOnlyId: tetOnly.id, okId: okBase.id, otherExternalId: "fuzz-ok-base", consoleSessions: setup.consoleSessions, origin: settings.NEXTAUTH_URL };
  const requests = fuzzRequests(ctx, count, seed);
  const result = await runFuzz(client, requests, { workers: 8 });
  log(`fuzz: ${requests.length} requests (seed ${seed}) in ${result.seconds.toFixed(1)} s; answers ${JSON.stringify(result.statusCounts)}`);
  for (const [surface, figures] of Object.entries(result.bySurface)) log(`  ${surface}: ${figures.requests} requests, ${figures.fiveXX} × 5xx; answers ${JSON.stringify(figures.statuses)}`);
  for (const v of result.violations.slice(0, 20)) log(`  ✗ ${v.kind} ${v.method} ${v.path} → ${v.status} ${v.answer} (body: ${JSON.stringify(v.body)})`);
  log(JSON.stringify({ requests: requests.length, seed, bySurface: Object.fromEntries(Object.entries(result.bySurface).map(([k, v]) => [k, { requests: v.requests, fiveXX: v.fiveXX }])), violations: result.violations.length }));
  failed = result.violations.length > 0;
} finally {
  await client?.close().catch(() => {});
  await hub?.proc.kill("SIGTERM", 10_000);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
