#!/usr/bin/env node
// `npm test`: everything CI checks, in order — unit tests, integration tests on the embedded
// PGlite database, the same integration tests on PostgreSQL, the production build, then the
// browser tests (Playwright in Debian's chromium) and the suites that need the built hub.
// Every step runs even when an earlier one failed (except those that need the build), and the
// last line sums up the tests: "Total: N passed, N failed, N skipped".
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const reports = path.join(root, "test-results", "summary");
// Where the build step writes (next build honours NEXT_DIST_DIR): the later steps run that build.
const buildDir = process.env.NEXT_DIST_DIR || ".next";
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice(7).split(",")) : null;
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function postgresReachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432), timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const pgUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const hasPostgres = await postgresReachable(pgUrl);

const vitest = (name, project, extraEnv = {}) => ({
  name,
  command: bin("vitest"),
  args: ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(reports, `${name}.json`)}`],
  env: extraEnv,
  report: { kind: "vitest", file: path.join(reports, `${name}.json`) },
});

const steps = [
  vitest("unit", "unit", { TEST_DATABASE_URL: "" }),
  vitest("integration-pglite", "int", { TEST_DATABASE_URL: "" }),
  hasPostgres
    ? vitest("integration-postgres", "int", { TEST_DATABASE_URL: pgUrl })
    : { name: "integration-postgres", skip: `PostgreSQL injoignable (${new URL(pgUrl).host}) ; définissez TEST_DATABASE_URL` },
  { name: "build", command: "npm", args: ["run", "-s", "build"], env: {}, gate: true },
  {
    name: "e2e",
    command: bin("playwright"),
    args: ["test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_FILE: path.join(reports, "e2e.json") },
    needsBuild: true,
    report: { kind: "playwright", file: path.join(reports, "e2e.json") },
  },
  // The deploy recipe's web process: the standalone server from the same build answers health.
  {
    name: "standalone",
    command: process.execPath,
    args: [
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=junit",
      `--test-reporter-destination=${path.join(reports, "standalone.xml")}`,
      "scripts/standalone.test.mjs",
    ],
    env: { STANDALONE_DIST_DIR: buildDir },
    needsBuild: true,
    report: { kind: "junit", file: path.join(reports, "standalone.xml") },
  },
  // The demo and the integration guide's samples, run against a hub started from the same build.
  {
    name: "newcomer",
    command: process.execPath,
    args: [
      "--test",
      "--test-concurrency=1",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=junit",
      `--test-reporter-destination=${path.join(reports, "newcomer.xml")}`,
      "scripts/lib/local-settings.test.mjs",
      "scripts/lib/web-node-args.test.mjs",
      "scripts/demo/newcomer.test.mjs",
    ],
    env: { DEMO_DIST_DIR: buildDir },
    needsBuild: true,
    report: { kind: "junit", file: path.join(reports, "newcomer.xml") },
  },
  // Fault suite (scripts/faults): the production build just made, PostgreSQL, loopback receivers.
  hasPostgres
    ? {
        name: "faults",
        command: process.execPath,
        args: ["scripts/faults/run-faults.mjs", "--no-build", `--dist-dir=${buildDir}`, `--report=${path.join(reports, "faults.json")}`],
        env: { FAULTS_DATABASE_URL: pgUrl },
        needsBuild: true,
        report: { kind: "faults", file: path.join(reports, "faults.json") },
      }
    : { name: "faults", skip: `PostgreSQL injoignable (${new URL(pgUrl).host}) ; définissez TEST_DATABASE_URL` },
  // Convergence checker (scripts/convergence): a fixed seed and a random one (printed), same build.
  hasPostgres
    ? {
        name: "convergence",
        command: process.execPath,
        args: ["scripts/convergence/run-convergence.mjs", "--no-build", `--dist-dir=${buildDir}`, `--report=${path.join(reports, "convergence.json")}`],
        env: { CONVERGENCE_DATABASE_URL: pgUrl },
        needsBuild: true,
        report: { kind: "faults", file: path.join(reports, "convergence.json") },
      }
    : { name: "convergence", skip: `PostgreSQL injoignable (${new URL(pgUrl).host}) ; définissez TEST_DATABASE_URL` },
];

/** Passed, failed and skipped tests of a step, from the report its runner wrote. */
function countReport(kind, text) {
  if (kind === "junit") {
    const cases = text.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
    const failed = cases.filter((c) => /<failure\b/.test(c)).length;
    const skipped = cases.filter((c) => /<skipped\b/.test(c)).length;
    return { passed: cases.length - failed - skipped, failed, skipped };
  }
  const report = JSON.parse(text);
  if (kind === "vitest")
    return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + (report.numTodoTests ?? 0) };
  // The fault suite and the convergence checker both write {passed, failed}.
  if (kind === "faults") return { passed: report.passed, failed: report.failed, skipped: 0 };
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const outcomes = [];
let buildFailed = false;

for (const step of steps) {
  if (only && !only.has(step.name)) continue;
  if (step.skip) {
    if (process.env.CI === "true") {
      outcomes.push({ name: step.name, ok: false, note: step.skip });
      totals.failed += 1;
    } else outcomes.push({ name: step.name, ok: true, note: `ignoré : ${step.skip}` });
    continue;
  }
  if (step.needsBuild && buildFailed) {
    outcomes.push({ name: step.name, ok: false, note: "non lancé : la construction a échoué" });
    totals.failed += 1;
    continue;
  }
  process.stdout.write(`\n=== ${step.name} ===\n`);
  const started = Date.now();
  const result = spawnSync(step.command, step.args, { cwd: root, stdio: "inherit", env: { ...process.env, ...step.env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  if (step.gate && !ok) buildFailed = true;
  let counted = null;
  if (step.report && existsSync(step.report.file)) {
    counted = countReport(step.report.kind, readFileSync(step.report.file, "utf8"));
    totals.passed += counted.passed;
    totals.failed += counted.failed;
    totals.skipped += counted.skipped;
  }
  // A step that failed without a failing test (crash, build error) still counts as one failure.
  if (!ok && (!counted || counted.failed === 0)) totals.failed += 1;
  outcomes.push({
    name: step.name,
    ok,
    note: `${seconds} s${counted ? ` — ${counted.passed} réussis, ${counted.failed} échoués, ${counted.skipped} ignorés` : ""}`,
  });
}

process.stdout.write("\n=== Résumé ===\n");
for (const o of outcomes) process.stdout.write(`${o.ok ? "OK    " : "ÉCHEC "} ${o.name.padEnd(22)} ${o.note}\n`);
process.stdout.write(`Total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
