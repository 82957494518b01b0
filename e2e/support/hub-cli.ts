// Runs `npm run communs -- …` against the running server (the command line routes through it on
// the embedded database) and returns the JSON object of its last line.
import { execFileSync } from "node:child_process";

export function hubEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("E2E_") && value !== undefined) env[key.slice(4)] = value;
  }
  return env;
}

export function communs(...args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "src/cli/main.ts", ...args], {
    env: { ...process.env, ...hubEnv(), NODE_ENV: "production" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}
