// Concurrent writers of the same (service, externalId) are arbitrated by the unique index
// `project_links_service_external_uq`, not by locks taken per key (issue #15 item 4: one advisory
// lock per externalId filled PostgreSQL's shared lock table — max_locks_per_transaction ×
// max_connections — under a few concurrent 1000-item bulks, SQLSTATE 53200, answered 500).
import { AppError } from "@/modules/errors/app-error";

/** Failures after which the whole transaction is run again, on a snapshot that sees the winner. */
const raceConstraints = new Set(["project_links_service_external_uq", "project_links_project_id_service_id_pk"]);

/** Another transaction committed a link this one also inserted, or two writers deadlocked. */
export function isLinkRace(error: unknown): boolean {
  for (let e = error as { code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown } | null; e; ) {
    // postgres.js names the constraint `constraint_name`, PGlite `constraint`.
    if (e.code === "23505" && raceConstraints.has(String(e.constraint_name ?? e.constraint))) return true;
    if (e.code === "40P01") return true; // deadlock_detected
    if (e.cause === e) break;
    e = e.cause as typeof e;
  }
  return false;
}

export const LINK_RACE_ATTEMPTS = 10;

/**
 * Runs `work` (one whole transaction) and runs it again when it lost a race for a link: it read no
 * link for an externalId, another transaction created that link and committed first, and this one's
 * insert failed on the unique index. The next run finds the link and updates that project instead,
 * so 20 concurrent identical creates make one project and one 201 (CONTRACT §1). A key is created
 * once and links are never removed, so each run that loses has seen another writer win: after
 * `LINK_RACE_ATTEMPTS` runs the call answers 503 `unavailable` (retry later), never a 500.
 * @returns what `work` returns.
 */
export async function retryLinkRaces<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isLinkRace(error)) throw error;
      if (attempt >= LINK_RACE_ATTEMPTS) {
        throw new AppError("unavailable", "Trop d'écritures simultanées des mêmes externalId : réessayez dans quelques instants.");
      }
    }
  }
}
