// Runs a command of the command line inside the server that owns the embedded database (see
// src/cli/server-bridge.ts). Only reachable from this machine (loopback peer, not relayed by a
// proxy) with the token the server wrote in DATA_DIR, with a small JSON body (issue #14, finding 7).
import { env } from "@/env";
import { getDatabase } from "@/db";
import { migratePglite } from "@/db/migrate";
import { readServerBridge, tokensMatch } from "@/cli/server-bridge";
import { runCommand, type Flags } from "@/cli/commands";
import { AppError } from "@/modules/errors/app-error";
import { errorResponse } from "./http/error-response";
import { isLoopbackRequest } from "./http/client-address";
import { readJsonBody } from "./http/read-json-body";

/** Largest command accepted, in bytes: a command is a name and a few short flags. */
export const CLI_BODY_LIMIT_BYTES = 64 * 1024;

const noStore = { "Cache-Control": "no-store" };

/**
 * POST /api/internal/cli. Takes `{command, flags}` from a loopback caller holding the bridge token;
 * returns `{result}`, or the error envelope: 403 for a caller that is not on this machine, 401 for a
 * wrong token, 413 above CLI_BODY_LIMIT_BYTES, 400 for a body that is not such JSON.
 */
export async function handleCliRequest(request: Request): Promise<Response> {
  if (!isLoopbackRequest(request)) {
    return errorResponse(new AppError("forbidden", "La ligne de commande n'est accessible que depuis la machine du serveur."), noStore);
  }
  const bridge = readServerBridge(env.DATA_DIR);
  const presented = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? null;
  if (!bridge || bridge.pid !== process.pid || !tokensMatch(bridge.token, presented)) {
    return errorResponse(new AppError("unauthorized", "Jeton du pont de la ligne de commande invalide."), noStore);
  }
  try {
    const body = (await readJsonBody(request, CLI_BODY_LIMIT_BYTES)) as { command?: unknown; flags?: unknown } | null;
    if (typeof body !== "object" || body === null || typeof body.command !== "string" || typeof body.flags !== "object" || body.flags === null) {
      throw new AppError("validation_failed", "Requête de commande invalide.");
    }
    const handle = await getDatabase();
    const result =
      body.command === "db:migrate" ? await migratePglite(handle) : await runCommand(handle.db, body.command, body.flags as Flags);
    return Response.json({ result }, { headers: noStore });
  } catch (error) {
    return errorResponse(error, noStore);
  }
}
