// Test helper: where the daily counts (schema.ts `deliveryLogDailyCounts`, `deliveryAttemptDailyCounts`,
// kept by triggers) differ from counting the rows themselves. Empty when they agree.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

/** The (day, service, state) and attempt days whose kept count differs from the rows, with both figures. */
export async function dailyCountsDrift(db: DbOrTx): Promise<Record<string, unknown>[]> {
  return rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with counted as (
        select (created_at at time zone 'UTC')::date as day, service_id, state, count(*)::bigint as n
        from delivery_log group by 1, 2, 3),
      kept as (select day, service_id, state, n from delivery_log_daily_counts where n <> 0)
      select 'log' as what, coalesce(c.day, k.day)::text as day, coalesce(c.service_id, k.service_id)::text as service_id,
             coalesce(c.state, k.state) as state, c.n::int as counted, k.n::int as kept
      from counted c full join kept k on k.day = c.day and k.service_id = c.service_id and k.state = c.state
      where c.n is distinct from k.n
      union all
      select 'attempts', coalesce(c.day, k.day)::text, null, null, c.n::int, k.attempts::int
      from (select (started_at at time zone 'UTC')::date as day, count(*)::bigint as n,
                   count(*) filter (where status_code between 200 and 299 and error_class is null)::bigint as ok
            from delivery_attempts group by 1) c
      full join (select * from delivery_attempt_daily_counts where attempts <> 0 or succeeded <> 0) k on k.day = c.day
      where c.n is distinct from k.attempts or c.ok is distinct from k.succeeded`),
  );
}
