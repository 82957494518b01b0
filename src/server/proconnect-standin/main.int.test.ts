// Issue #11 ("the stand-in prints its client secret"): the stand-in's program, run as `npm run hub`
// runs it, must never write its client secret, neither in its start banner nor when a client
// presents a wrong one. Spawns the real entry point on loopback and reads all it writes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { standinDefaults } from "./create-standin";

const port = 4337;
const secret = "secret-du-simulateur-a-ne-jamais-imprimer-7f3c";
const dir = mkdtempSync(path.join(os.tmpdir(), "lc-standin-"));
let child: ChildProcess;
let output = "";

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [path.join("node_modules", "tsx", "dist", "cli.mjs"), path.join("src", "server", "proconnect-standin", "main.ts"), "--port", String(port), "--keys-file", path.join(dir, "jwks.json")],
    { env: { ...process.env, PROCONNECT_CLIENT_SECRET: secret }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const deadline = Date.now() + 60_000;
  while (!output.includes("Simulateur ProConnect prêt")) {
    if (child.exitCode !== null) throw new Error(`le simulateur s'est arrêté : ${output}`);
    if (Date.now() > deadline) throw new Error(`le simulateur n'a pas démarré : ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("proconnect stand-in program (main.ts)", () => {
  it("prints its issuer and client id but never its client secret, even to a client that sends a wrong one", async () => {
    const banner = JSON.parse(output.split("\n").find((line) => line.includes("Simulateur ProConnect prêt"))!) as Record<string, unknown>;
    expect(banner.PROCONNECT_ISSUER).toBe(`http://localhost:${port}/api/v2`);
    expect(banner.PROCONNECT_CLIENT_ID).toBe(standinDefaults.clientId);

    const token = await fetch(`http://127.0.0.1:${port}/api/v2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "inconnu", redirect_uri: "http://localhost:3000/api/auth/callback/proconnect", client_id: standinDefaults.clientId, client_secret: `${secret}-faux` }),
    });
    expect(token.status).toBeGreaterThanOrEqual(400);
    expect(await token.text()).not.toContain(secret);
    // Whatever it logged about that request has had time to reach the pipe.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(output).not.toContain(secret);
    expect(output).not.toContain(standinDefaults.clientSecret);
  });
});
