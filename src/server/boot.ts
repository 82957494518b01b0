// Server start: validate settings, open (and on PGlite migrate) the database, publish the command
// line bridge when the embedded database is in use, start the embedded delivery worker, and stop
// cleanly on SIGTERM/SIGINT.
import { env } from "@/env";
import { getDatabase } from "@/db";
import { publishServerBridge, withdrawServerBridge } from "@/cli/server-bridge";
import { logger } from "./logger";

type Stopper = () => Promise<void>;
const stoppers: Stopper[] = [];
const bootKey = Symbol.for("les-communs.booted");

/** Registers work to undo on shutdown (most recent first). */
export function onShutdown(stop: Stopper) {
  stoppers.unshift(stop);
}

export async function boot() {
  const g = globalThis as { [bootKey]?: boolean };
  if (g[bootKey]) return;
  g[bootKey] = true;

  const handle = await getDatabase();
  logger.info("database ready", { driver: handle.driver });

  if (handle.driver === "pglite") {
    const bridge = publishServerBridge(env.DATA_DIR, env.PORT);
    onShutdown(async () => withdrawServerBridge(env.DATA_DIR, bridge));
  }

  const { startDeliveryDriver } = await import("./delivery-driver");
  await startDeliveryDriver(handle);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    for (const stop of stoppers) {
      try {
        await stop();
      } catch (error) {
        logger.error("shutdown step failed", { error: String(error) });
      }
    }
    await handle.close().catch(() => {});
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
