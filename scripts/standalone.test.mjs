// The deploy recipe's web process, executed (issue #16): the standalone server that `next build`
// writes (`output: "standalone"`) starts from the built output alone, laid out as the Dockerfile
// lays it (server, static files, public/, drizzle/), and answers /api/health and /api/ready.
// Run after a build: STANDALONE_DIST_DIR=<distDir> node --test scripts/standalone.test.mjs
// (scripts/test-all.mjs does, on the build it just made). Embedded database in a temporary folder.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

const root = path.resolve(import.meta.dirname, "..");
const distDir = process.env.STANDALONE_DIST_DIR || ".next";
const port = Number(process.env.STANDALONE_TEST_PORT || 3430);
const standalone = path.join(root, distDir, "standalone");
const dataDir = mkdtempSync(path.join(tmpdir(), "communs-standalone-"));
let child = null;

after(() => {
  if (child && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

test("the standalone server starts from the built output and answers /api/health and /api/ready", async () => {
  assert.ok(existsSync(path.join(standalone, "server.js")), `${distDir}/standalone/server.js absent : lancez d'abord la construction (npm run build)`);
  // What `next build` leaves out of the standalone folder and the Dockerfile copies in.
  cpSync(path.join(root, distDir, "static"), path.join(standalone, distDir, "static"), { recursive: true });
  cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });
  cpSync(path.join(root, "drizzle"), path.join(standalone, "drizzle"), { recursive: true });
  child = spawn(process.execPath, ["server.js"], {
    cwd: standalone,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATA_DIR: dataDir,
      EMAIL_HASH_SECRET: "s".repeat(40),
      NEXTAUTH_SECRET: "n".repeat(40),
      // 32 bytes in hex: required like the other secrets (issue #16, secrets at rest).
      SECRETS_ENCRYPTION_KEY: "73".repeat(32),
      LOG_LEVEL: "warn",
    },
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const deadline = Date.now() + 90_000;
  let health = null;
  while (Date.now() < deadline && child.exitCode === null) {
    health = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (health?.status === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(health?.status, 200, `/api/health sans réponse 200 ; sortie du serveur :\n${output.slice(-2000)}`);
  const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
  const body = await ready.json();
  assert.equal(ready.status, 200, JSON.stringify(body));
  assert.equal(body.migrations.applied, body.migrations.expected);
});
