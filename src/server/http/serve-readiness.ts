// GET /api/ready (issue #16): 200 when the database answers and its schema is the one this build
// expects, with the worker's lag; 503 otherwise, with a log line that says what is missing.
import { getDb } from "@/db";
import { committedMigrationCount } from "@/db/migrate";
import { checkReadiness } from "@/modules/observability/check-readiness";
import { logger } from "../logger";

/**
 * Answers a readiness probe: `{status: "ready", migrations: {applied, expected}, workerLagSeconds}`
 * (200) or `{status: "unavailable", reason, …}` (503, `Retry-After: 5`). `expected` defaults to
 * the number of migrations committed with this build.
 */
export async function serveReadiness(expected: number = committedMigrationCount()): Promise<Response> {
  const headers = { "Cache-Control": "no-store" };
  let readiness;
  try {
    readiness = await checkReadiness(await getDb(), expected);
  } catch {
    readiness = { ready: false as const, reason: "database_unreachable" as const };
  }
  if (readiness.ready) {
    const { appliedMigrations: applied, expectedMigrations, workerLagSeconds } = readiness;
    return Response.json({ status: "ready", migrations: { applied, expected: expectedMigrations }, workerLagSeconds }, { headers });
  }
  if (readiness.reason === "database_unreachable") {
    logger.warn("not ready: database unreachable");
    return Response.json({ status: "unavailable", reason: readiness.reason }, { status: 503, headers: { ...headers, "Retry-After": "5" } });
  }
  const { appliedMigrations: applied, expectedMigrations } = readiness;
  logger.error(
    readiness.reason === "migrations_pending"
      ? "not ready: database migrations missing, run `npm run communs -- db:migrate`"
      : "not ready: database schema is newer than this build",
    { applied, expected: expectedMigrations },
  );
  return Response.json(
    { status: "unavailable", reason: readiness.reason, migrations: { applied, expected: expectedMigrations } },
    { status: 503, headers: { ...headers, "Retry-After": "5" } },
  );
}
