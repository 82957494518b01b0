// The per-service request limit on /api/v1, shared by every web instance (issue #16): a counter per
// service and minute in PostgreSQL (`api_rate_windows`), read as a sliding window. Cost: one upsert
// per request on one row, on an unlogged table (no WAL, no flush wait at commit); a refused request
// takes its count back with a second statement, so that a client that keeps calling while refused
// is let through again as soon as its window has room.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_S = 60;

/**
 * The sliding-window estimate (the previous minute weighted by the part of it still inside the last
 * 60 s, plus the current minute) against `perMinute`; when refused, the seconds after which the
 * estimate falls below the limit if nothing more comes. `elapsed`: seconds since the current
 * minute's start (0 ≤ elapsed < 60). Pure: rate-limit.test.ts.
 */
export function judgeWindow(input: { current: number; previous: number; elapsed: number; perMinute: number }): RateVerdict {
  const { current, previous, elapsed, perMinute } = input;
  const estimate = previous * (1 - elapsed / WINDOW_S) + current;
  if (estimate <= perMinute) return { allowed: true };
  // Within this minute, the previous one's weight falls until previous·(1 − t/60) + current ≤ limit…
  let wait: number;
  if (current <= perMinute && previous > 0) wait = WINDOW_S * (1 - (perMinute - current) / previous) - elapsed;
  // …or, when this minute alone is over it, after its end while its own weight falls likewise.
  else wait = WINDOW_S - elapsed + WINDOW_S * Math.max(0, 1 - perMinute / current);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
}

/**
 * Counts one request of `serviceId` against `perMinute` requests per minute (database clock) and
 * says whether it may go on. A refused request is not counted. Throws only database errors.
 */
export async function countRequest(db: DbOrTx, serviceId: string, perMinute: number): Promise<RateVerdict> {
  const counted = await countRequestWith(db, countingStatement(sql`select ${serviceId}::uuid as service_id`), perMinute);
  return counted!.verdict;
}

/**
 * The statement that counts one request, like `countRequest`, for the service that `target`
 * selects: `target` is a query of at most one row with a `service_id` column, whose other columns
 * come back as they are (e.g. the API key check of `admitApiKey`, which so costs no round trip of
 * its own). Made of a `target` with placeholders, it can be built once (`preparedSql`; issue #17:
 * the key check on every API request). Run it with `countRequestWith`.
 */
export function countingStatement(target: SQL): SQL {
  return sql`
      with target as (${target}),
      cur as (
        insert into api_rate_windows as w (service_id, window_start, count)
        select service_id, date_trunc('minute', now()), 1 from target
        on conflict (service_id, window_start) do update set count = w.count + 1
        returning w.service_id, w.count, w.window_start
      )
      select target.*, cur.count as current, cur.window_start,
             extract(epoch from now() - cur.window_start) as elapsed,
             coalesce((select p.count from api_rate_windows p
                       where p.service_id = cur.service_id and p.window_start = cur.window_start - interval '1 minute'), 0) as previous
      from target join cur on cur.service_id = target.service_id`;
}

/**
 * Runs a `countingStatement`: null, counting nothing, when its target gives no row; otherwise the
 * target's row and the verdict. A refused request is not counted. Throws only database errors.
 */
export async function countRequestWith<T extends { service_id: string }>(
  db: DbOrTx,
  counting: SQL,
  perMinute: number,
): Promise<{ row: T; verdict: RateVerdict } | null> {
  const [row] = rowsOf<T & { current: number; previous: number; elapsed: string | number; window_start: string | Date }>(await db.execute(counting));
  if (!row) return null;
  const verdict = judgeWindow({ current: Number(row.current), previous: Number(row.previous), elapsed: Number(row.elapsed), perMinute });
  if (!verdict.allowed) {
    const windowStart = row.window_start instanceof Date ? row.window_start.toISOString() : row.window_start;
    await db.execute(sql`
      update api_rate_windows set count = count - 1
      where service_id = ${row.service_id}::uuid and window_start = ${windowStart}::timestamptz`);
  }
  return { row, verdict };
}

/** Deletes the counters of minutes that no window reads any more (the periodic purge). Returns how many. */
export async function pruneRateWindows(db: DbOrTx): Promise<number> {
  return rowsOf(
    await db.execute(sql`delete from api_rate_windows where window_start < date_trunc('minute', now()) - interval '1 minute' returning 1`),
  ).length;
}
