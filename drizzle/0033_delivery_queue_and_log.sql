-- No writer may change the deliveries while they are copied (a hub of the previous version still
-- running during the deploy): held until the migrations commit, the table dropped by the next one.
LOCK TABLE "deliveries" IN EXCLUSIVE MODE;--> statement-breakpoint
CREATE TABLE "delivery_log" (
	"id" bigint PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"project_id" uuid,
	"project_version" integer,
	"receiver_view" jsonb,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"retry_step" integer DEFAULT 0 NOT NULL,
	"next_trigger" text DEFAULT 'auto' NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"project_id" uuid,
	"project_version" integer,
	"receiver_view" jsonb,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"retry_step" integer DEFAULT 0 NOT NULL,
	"next_trigger" text DEFAULT 'auto' NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "delivery_log_event_idx" ON "delivery_log" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "delivery_log_service_state_idx" ON "delivery_log" USING btree ("service_id","state","created_at");--> statement-breakpoint
CREATE INDEX "delivery_log_failed_idx" ON "delivery_log" USING btree ("id") WHERE "delivery_log"."state" = 'failed';--> statement-breakpoint
CREATE INDEX "delivery_log_created_brin_idx" ON "delivery_log" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "delivery_queue_event_idx" ON "delivery_queue" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "delivery_queue_due_idx" ON "delivery_queue" USING btree ("next_attempt_at") WHERE "delivery_queue"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "delivery_queue_lane_idx" ON "delivery_queue" USING btree ("endpoint_id","project_id","id");--> statement-breakpoint
CREATE INDEX "delivery_queue_in_flight_idx" ON "delivery_queue" USING btree ("endpoint_id","project_id") WHERE "delivery_queue"."state" = 'in_flight';--> statement-breakpoint
-- The deliveries move to the table of their state (issue #17): settled ones to the log, the
-- others to the queue, with their ids; the queue's sequence goes on after the largest id, so that
-- an id stays a delivery's for life. The old table is dropped by the next migration.
INSERT INTO "delivery_log" SELECT "id", "event_id", "endpoint_id", "service_id", "event_type", "project_id", "project_version", "receiver_view", "state", "attempt_count", "retry_step", "next_trigger", "next_attempt_at", "lease_owner", "lease_expires_at", "last_status_code", "last_error", "delivered_at", "created_at", "updated_at" FROM "deliveries" WHERE "state" IN ('delivered', 'failed');--> statement-breakpoint
INSERT INTO "delivery_queue" SELECT "id", "event_id", "endpoint_id", "service_id", "event_type", "project_id", "project_version", "receiver_view", "state", "attempt_count", "retry_step", "next_trigger", "next_attempt_at", "lease_owner", "lease_expires_at", "last_status_code", "last_error", "delivered_at", "created_at", "updated_at" FROM "deliveries" WHERE "state" IN ('pending', 'in_flight');--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('delivery_queue', 'id'), coalesce((SELECT max("id") FROM "deliveries"), 0) + 1, false);
