// Run with tsx by the convergence checker: the operator's side of the hub in one long-lived process
// (starting `npm run communs` for each of a run's dozens of commands would cost seconds each).
// Migrates DATABASE_URL once, then reads one JSON request per stdin line and answers one JSON line:
//   {id, cli: "<command>", args: ["--slug", "tet", …]}  the command line's own parser and commands
//                                                      (src/cli/commands.ts), as `npm run communs`
//   {id, console: "endpoint-enabled", slug, enabled}   the console's endpoint-only switch
//   {id, console: "rotate-secret", slug}               the console's secret rotation
// Answer: {id, ok: true, result} or {id, ok: false, code, message}.
import { createInterface } from "node:readline";
import { migratePostgres } from "@/db/migrate";
import { openDatabase } from "@/db/client";
import { parseFlags, runCommand } from "@/cli/commands";
import { cliActor } from "@/modules/audit/write-audit";
import { setEndpointEnabled } from "@/modules/console/set-endpoint-enabled";
import { secretKeyring } from "@/env";
import { rotateWebhookSecret } from "@/modules/webhooks/rotate-webhook-secret";
import { requireServiceBySlug } from "@/modules/services/find-service";

type Request = { id: number; cli?: string; args?: string[]; console?: string; slug?: string; enabled?: boolean };

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is required");
  await migratePostgres(url);
  const handle = await openDatabase({ url, poolSize: 2 });
  const db = handle.db;
  const run = async (request: Request): Promise<unknown> => {
    if (request.cli) return runCommand(db, request.cli, parseFlags(request.args ?? []));
    if (request.console === "endpoint-enabled") return setEndpointEnabled(db, request.slug!, request.enabled!, cliActor);
    if (request.console === "rotate-secret") {
      const service = await requireServiceBySlug(db, request.slug!);
      return rotateWebhookSecret(db, service.id, cliActor, secretKeyring());
    }
    throw new Error(`unknown request ${JSON.stringify(request)}`);
  };
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as Request;
    try {
      const result = await run(request);
      process.stdout.write(`${JSON.stringify({ id: request.id, ok: true, result })}\n`);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      process.stdout.write(`${JSON.stringify({ id: request.id, ok: false, code: e?.code ?? "error", message: String(e?.message ?? error) })}\n`);
    }
  }
  await handle.close();
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
