// A delivery worker as its own process (`tsx src/server/worker/main.ts [--lease-ms <ms>]`), on the
// database of DATABASE_URL: to add delivery capacity beside the server, and for the crash tests,
// which kill it with SIGKILL. Prints "ready" once listening; stops cleanly on SIGTERM/SIGINT.
import { getDatabase } from "@/db";
import { startTracingFromEnv } from "../telemetry/tracing-from-env";
import { startErrorReportingFromEnv } from "../telemetry/error-reporting-from-env";
import { startEmbeddedWorker } from "./start-embedded-worker";

const leaseFlag = process.argv.indexOf("--lease-ms");
const leaseMs = leaseFlag > 0 ? Number(process.argv[leaseFlag + 1]) : undefined;
if (leaseMs !== undefined && !(leaseMs > 0)) {
  process.stderr.write("--lease-ms attend une durée en millisecondes\n");
  process.exit(2);
}

const tracing = startTracingFromEnv();
const reporting = startErrorReportingFromEnv();
const handle = await getDatabase();
const worker = await startEmbeddedWorker(handle, leaseMs ? { leaseMs } : {});
process.stdout.write("ready\n");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await tracing?.shutdown();
  await reporting?.flush(2000);
  await handle.close();
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
