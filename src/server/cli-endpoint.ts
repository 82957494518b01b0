// Runs a command of the command line inside the server that owns the embedded database (see
// src/cli/server-bridge.ts). Only reachable with the token the server wrote in DATA_DIR.
import { env } from "@/env";
import { getDatabase } from "@/db";
import { migratePglite } from "@/db/migrate";
import { readServerBridge, tokensMatch } from "@/cli/server-bridge";
import { runCommand, type Flags } from "@/cli/commands";
import { AppError } from "@/modules/errors/app-error";
import { errorResponse } from "./http/error-response";

export async function handleCliRequest(request: Request): Promise<Response> {
  const bridge = readServerBridge(env.DATA_DIR);
  const presented = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? null;
  if (!bridge || bridge.pid !== process.pid || !tokensMatch(bridge.token, presented)) {
    return errorResponse(new AppError("unauthorized", "Jeton du pont de la ligne de commande invalide."));
  }
  try {
    const body = (await request.json()) as { command?: unknown; flags?: unknown };
    if (typeof body.command !== "string" || typeof body.flags !== "object" || body.flags === null) {
      throw new AppError("validation_failed", "Requête de commande invalide.");
    }
    const handle = await getDatabase();
    const result =
      body.command === "db:migrate" ? await migratePglite(handle) : await runCommand(handle.db, body.command, body.flags as Flags);
    return Response.json({ result });
  } catch (error) {
    return errorResponse(error);
  }
}
