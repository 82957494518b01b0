-- The log stops storing what only a queued delivery needs (issue #17, "storage"): the view gives
-- settled rows those columns' settled values. Rows already in the log keep their bytes until
-- rewritten; new rows are about 24 bytes shorter. The service index loses the creation time, which
-- made each entry unique (59 bytes a delivery where each change has its own time; deduplicated, 7):
-- building it again holds the log's writes (settles) until the migrations commit.
DROP VIEW "public"."deliveries";--> statement-breakpoint
DROP INDEX "delivery_log_service_state_idx";--> statement-breakpoint
CREATE INDEX "delivery_log_service_state_idx" ON "delivery_log" USING btree ("service_id","state");--> statement-breakpoint
ALTER TABLE "delivery_log" DROP COLUMN "retry_step";--> statement-breakpoint
ALTER TABLE "delivery_log" DROP COLUMN "next_trigger";--> statement-breakpoint
ALTER TABLE "delivery_log" DROP COLUMN "next_attempt_at";--> statement-breakpoint
ALTER TABLE "delivery_log" DROP COLUMN "lease_owner";--> statement-breakpoint
ALTER TABLE "delivery_log" DROP COLUMN "lease_expires_at";--> statement-breakpoint
CREATE VIEW "public"."deliveries" AS (select id, event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view, state, attempt_count,
    last_status_code, last_error, delivered_at, created_at, updated_at, retry_step, next_trigger, next_attempt_at, lease_owner,
    lease_expires_at from "delivery_queue"
  union all
  select id, event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view, state, attempt_count,
    last_status_code, last_error, delivered_at, created_at, updated_at, 0, 'auto'::text, updated_at, null::text,
    null::timestamptz from "delivery_log");