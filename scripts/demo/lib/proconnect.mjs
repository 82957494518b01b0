// The local ProConnect stand-in (`npm run proconnect:standin`), for `npm run demo -- --garder`:
// with it, an operator can sign in to the console of the demo's hub once the flow has been played.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { portIsFree, repoRoot, stopGroup } from "./hub.mjs";

export async function startProconnectStandin({ port, appUrl, timeoutMs = 60_000 }) {
  if (!(await portIsFree(port))) throw new Error(`Le port ${port} du simulateur ProConnect est déjà occupé.`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "les-communs-demo-proconnect-"));
  const clientId = "les-communs-demo";
  const clientSecret = randomBytes(24).toString("base64url");
  const child = spawn(
    "npm",
    ["run", "-s", "proconnect:standin", "--", "--port", String(port), "--app-url", appUrl, "--client-id", clientId, "--keys-file", path.join(dir, "jwks.json")],
    // The secret by environment only: arguments are visible to every user in `ps`.
    { cwd: repoRoot, env: { ...process.env, PROCONNECT_CLIENT_SECRET: clientSecret }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  const stop = async () => {
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    child.stderr.on("data", (d) => (output += d));
    let rest = "";
    child.stdout.on("data", (d) => {
      output += d;
      // Complete lines only, each parsed once: the stand-in prints its settings as one JSON line.
      const lines = (rest + d).split("\n");
      rest = lines.pop();
      for (const line of lines) {
        try {
          const info = JSON.parse(line);
          if (info.PROCONNECT_ISSUER) {
            clearTimeout(timer);
            resolve(info);
          }
        } catch {}
      }
    });
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (!ready) {
    await stop();
    throw new Error(`Le simulateur ProConnect ne démarre pas :\n${output.trim().split("\n").slice(-10).join("\n")}`);
  }
  return {
    issuer: ready.PROCONNECT_ISSUER,
    hubEnv: { PROCONNECT_ISSUER: ready.PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID: clientId, PROCONNECT_CLIENT_SECRET: clientSecret },
    stop,
  };
}
