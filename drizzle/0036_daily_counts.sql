CREATE TABLE "delivery_attempt_daily_counts" (
	"day" date PRIMARY KEY NOT NULL,
	"attempts" bigint NOT NULL,
	"succeeded" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_log_daily_counts" (
	"day" date NOT NULL,
	"service_id" uuid NOT NULL,
	"state" text NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "delivery_log_daily_counts_day_service_id_state_pk" PRIMARY KEY("day","service_id","state")
);
--> statement-breakpoint
-- Kept by the tables' own triggers (issue #17: the dashboard counted millions of rows, seconds at
-- 10 M attempts). No write to the log or the attempts may run between the backfill below and the
-- triggers: both tables are locked until the migrations commit (a hub of the previous version
-- still settling deliveries waits).
LOCK TABLE "delivery_log", "delivery_attempts" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
-- Statement-level, over the rows the statement changed (transition tables): one upsert per
-- statement, not per row. Counts change in key order, so that statements changing the same counts
-- at once take their row locks in the same order (no deadlock). A delete adds negative counts.
-- Each branch names only the transition tables its event has (a query is planned when first run).
CREATE FUNCTION "delivery_log_count_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_log_daily_counts (day, service_id, state, n)
    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, service_id, state, count(*) FROM new_rows
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, service_id, state) DO UPDATE SET n = delivery_log_daily_counts.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO delivery_log_daily_counts (day, service_id, state, n)
    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, service_id, state, -count(*) FROM old_rows
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, service_id, state) DO UPDATE SET n = delivery_log_daily_counts.n + excluded.n;
  ELSE
    INSERT INTO delivery_log_daily_counts (day, service_id, state, n)
    SELECT day, service_id, state, sum(n) FROM (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, service_id, state, 1 AS n FROM new_rows
      UNION ALL
      SELECT (created_at AT TIME ZONE 'UTC')::date, service_id, state, -1 FROM old_rows
    ) AS changed
    -- An update that changes no count (the usual one) locks no count row.
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (day, service_id, state) DO UPDATE SET n = delivery_log_daily_counts.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "delivery_attempts_count_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_attempt_daily_counts (day, attempts, succeeded)
    SELECT (started_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE status_code BETWEEN 200 AND 299 AND error_class IS NULL)
    FROM new_rows GROUP BY 1 ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET attempts = delivery_attempt_daily_counts.attempts + excluded.attempts,
      succeeded = delivery_attempt_daily_counts.succeeded + excluded.succeeded;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO delivery_attempt_daily_counts (day, attempts, succeeded)
    SELECT (started_at AT TIME ZONE 'UTC')::date, -count(*), -count(*) FILTER (WHERE status_code BETWEEN 200 AND 299 AND error_class IS NULL)
    FROM old_rows GROUP BY 1 ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET attempts = delivery_attempt_daily_counts.attempts + excluded.attempts,
      succeeded = delivery_attempt_daily_counts.succeeded + excluded.succeeded;
  ELSE
    INSERT INTO delivery_attempt_daily_counts (day, attempts, succeeded)
    SELECT day, sum(n), coalesce(sum(n) FILTER (WHERE succeeded), 0) FROM (
      SELECT (started_at AT TIME ZONE 'UTC')::date AS day, status_code BETWEEN 200 AND 299 AND error_class IS NULL AS succeeded, 1 AS n FROM new_rows
      UNION ALL
      SELECT (started_at AT TIME ZONE 'UTC')::date, status_code BETWEEN 200 AND 299 AND error_class IS NULL, -1 FROM old_rows
    ) AS changed
    -- An update that changes no count (an erasure clearing response excerpts) locks no count row:
    -- it would hold today's until it commits, and every settle would wait for it.
    GROUP BY 1 HAVING sum(n) <> 0 OR sum(n) FILTER (WHERE succeeded) <> 0 ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET attempts = delivery_attempt_daily_counts.attempts + excluded.attempts,
      succeeded = delivery_attempt_daily_counts.succeeded + excluded.succeeded;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "delivery_log_counted_insert" AFTER INSERT ON "delivery_log" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "delivery_log_count_rows"();--> statement-breakpoint
CREATE TRIGGER "delivery_log_counted_delete" AFTER DELETE ON "delivery_log" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "delivery_log_count_rows"();--> statement-breakpoint
CREATE TRIGGER "delivery_log_counted_update" AFTER UPDATE ON "delivery_log" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "delivery_log_count_rows"();--> statement-breakpoint
CREATE TRIGGER "delivery_attempts_counted_insert" AFTER INSERT ON "delivery_attempts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "delivery_attempts_count_rows"();--> statement-breakpoint
CREATE TRIGGER "delivery_attempts_counted_delete" AFTER DELETE ON "delivery_attempts" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "delivery_attempts_count_rows"();--> statement-breakpoint
CREATE TRIGGER "delivery_attempts_counted_update" AFTER UPDATE ON "delivery_attempts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "delivery_attempts_count_rows"();--> statement-breakpoint
INSERT INTO "delivery_log_daily_counts" (day, service_id, state, n)
SELECT (created_at AT TIME ZONE 'UTC')::date, service_id, state, count(*) FROM "delivery_log" GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "delivery_attempt_daily_counts" (day, attempts, succeeded)
SELECT (started_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE status_code BETWEEN 200 AND 299 AND error_class IS NULL)
FROM "delivery_attempts" GROUP BY 1;
