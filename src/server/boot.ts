// Server start: validate settings, open (and on PGlite migrate) the database, publish the command
// line bridge when the embedded database is in use, start the embedded delivery worker, and stop
// cleanly on SIGTERM/SIGINT.
import { env, secretKeyring } from "@/env";
import { getDatabase } from "@/db";
import { publishServerBridge, withdrawServerBridge } from "@/cli/server-bridge";
import { describeError, logger } from "./logger";
import { installPeerAddressHeader } from "./http/client-address";
import { onShutdown, processState } from "./process-state";
import { startDeliveryDriver } from "./delivery-driver";
import { startTracingFromEnv } from "./telemetry/tracing-from-env";
import { startErrorReportingFromEnv } from "./telemetry/error-reporting-from-env";
import { loadGeography } from "@/modules/subscriptions/territories";

export async function boot() {
  if (processState.booted) return;
  processState.booted = true;
  // First: every request from now on carries its TCP peer address (client-address.ts).
  installPeerAddressHeader();
  // Before any request: Next.js's request spans and the delivery spans go to this provider.
  const tracing = startTracingFromEnv();
  if (tracing) {
    onShutdown(tracing.shutdown);
    logger.info("tracing on");
  }
  const reporting = startErrorReportingFromEnv();
  if (reporting) {
    onShutdown(async () => void (await reporting.flush(2000)));
    logger.info("error reporting on");
  }

  // Before any request: the official geography that every project write reads (collectivité
  // codes, territory keys) is parsed now, not inside the first writes (issue #17). Should it fail,
  // the writes try again and answer as they did before this preload.
  try {
    loadGeography();
  } catch (error) {
    logger.error("official geography not loaded at start", describeError(error));
  }

  const handle = await getDatabase();
  logger.info("database ready", { driver: handle.driver });
  if (handle.driver !== "pglite") {
    // PostgreSQL is not migrated at start (a deploy step: `communs db:migrate`): say so at once;
    // /api/ready answers 503 until the schema is this build's (issue #16).
    const { committedMigrationCount } = await import("@/db/migrate");
    const { appliedMigrationCount } = await import("@/modules/observability/check-readiness");
    const expected = committedMigrationCount();
    const applied = await appliedMigrationCount(handle.db).catch(() => null);
    if (applied !== null && applied !== expected) {
      logger.error(
        applied < expected ? "database migrations missing, run `npm run communs -- db:migrate`" : "database schema is newer than this build",
        { applied, expected },
      );
    }
  }

  await encryptPlaintextSecrets(handle);

  if (handle.driver === "pglite") {
    const bridge = publishServerBridge(env.DATA_DIR, env.PORT);
    onShutdown(async () => withdrawServerBridge(env.DATA_DIR, bridge));
  }

  await startDeliveryDriver(handle);

  // `npm start` sets NEXT_MANUAL_SIG_HANDLE so that Next.js leaves the signals to this handler:
  // its own exits as soon as the HTTP server is closed, before the worker could finish its batch.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    // A step that hangs (a receiver that never answers) must not keep the process alive forever.
    setTimeout(() => process.exit(1), 30_000).unref();
    for (const stop of processState.shutdownSteps) {
      try {
        await stop();
      } catch (error) {
        logger.error("shutdown step failed", describeError(error));
      }
    }
    await handle.close().catch(() => {});
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

/**
 * Webhook secrets written before they were encrypted (issue #16) are encrypted at the first start
 * with SECRETS_ENCRYPTION_KEY; values already encrypted are left to `secrets:reencrypt`. A failure
 * (schema not migrated yet) is logged and the start goes on: plaintext values keep signing.
 */
async function encryptPlaintextSecrets(handle: Awaited<ReturnType<typeof getDatabase>>): Promise<void> {
  try {
    const { reencryptSecrets } = await import("@/modules/secrets/reencrypt-secrets");
    const report = await reencryptSecrets(handle.db, secretKeyring(), { type: "system", label: "démarrage" }, { onlyPlaintext: true });
    if (report.fromPlaintext > 0) logger.info("plaintext webhook secrets encrypted", { count: report.fromPlaintext, kid: report.kid });
  } catch (error) {
    logger.error("webhook secrets not encrypted at start", describeError(error));
  }
}
