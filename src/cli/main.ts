// `npm run communs -- <command> [--flags]`: prints one JSON object as its last stdout line and exits
// 0, or prints a clear message on stderr and exits non-zero.
import path from "node:path";
import nextEnv from "@next/env";

// Same settings files as the server (.env.local written by `npm run hub`), before env.ts validates.
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });

const [, , name, ...rest] = process.argv;

async function main(): Promise<Record<string, unknown>> {
  const { env } = await import("@/env");
  const { AppError } = await import("@/modules/errors/app-error");
  const { commands, commandUsage, parseFlags, runCommand } = await import("./commands");
  if (!name || name === "--help" || name === "help") {
    throw new AppError("validation_failed", `Usage :\n${commandUsage()}`);
  }
  if (name !== "db:migrate" && !commands[name]) {
    throw new AppError("validation_failed", `Commande inconnue : « ${name} ».\nCommandes :\n${commandUsage()}`);
  }
  const flags = parseFlags(rest);

  if (env.DATABASE_URL) {
    const { migratePostgres } = await import("@/db/migrate");
    if (name === "db:migrate") {
      if (Object.keys(flags).length) throw new AppError("validation_failed", "db:migrate ne prend pas d'option.");
      return migratePostgres(env.DATABASE_URL);
    }
    const { openDatabase } = await import("@/db/client");
    const handle = await openDatabase({ url: env.DATABASE_URL, poolSize: 2 });
    try {
      return await runCommand(handle.db, name, flags);
    } finally {
      await handle.close();
    }
  }

  const { readServerBridge } = await import("./server-bridge");
  const bridge = readServerBridge(env.DATA_DIR);
  if (bridge) return runThroughServer(bridge, name, flags);

  const { openAndMigratePglite } = await import("@/db/migrate");
  const { handle, applied } = await openAndMigratePglite(path.resolve(env.DATA_DIR, "pglite"));
  try {
    if (name === "db:migrate") return { applied };
    return await runCommand(handle.db, name, flags);
  } finally {
    await handle.close();
  }
}

async function runThroughServer(bridge: { port: number; token: string }, command: string, flags: Record<string, unknown>) {
  const { AppError } = await import("@/modules/errors/app-error");
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${bridge.port}/api/internal/cli`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bridge.token}` },
      body: JSON.stringify({ command, flags }),
    });
  } catch {
    throw new AppError("unavailable", `Le serveur du hub (port ${bridge.port}) ne répond pas ; arrêtez-le ou réessayez.`);
  }
  const body = (await response.json().catch(() => null)) as
    | { result: Record<string, unknown> }
    | { error: { code: string; message: string; details?: unknown } }
    | null;
  if (body && "result" in body) return body.result;
  const error = body && "error" in body ? body.error : { code: "internal", message: `Réponse inattendue du serveur (${response.status}).` };
  throw new AppError(error.code as never, error.message, error.details);
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    const e = error as { name?: string; code?: string; message?: string; details?: unknown };
    if (e?.name === "AppError") {
      const details = Array.isArray(e.details) ? e.details.map((d: { path: string; message: string }) => `\n  - ${d.path} : ${d.message}`).join("") : "";
      process.stderr.write(`Erreur : ${e.message}${details}\n`);
      process.exit(e.code === "validation_failed" ? 2 : 1);
    }
    // Unexpected failures (database unreachable, bad settings…): the message, never a stack by default.
    process.stderr.write(`Erreur : ${e?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
