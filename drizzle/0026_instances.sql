-- Several instances against one PostgreSQL (issue #16): the per-service request counter shared by
-- every web instance (unlogged: a counter needs no WAL, and a request's commit never waits for a
-- disk flush; lost in a crash, which only forgives a minute of requests)…
CREATE UNLOGGED TABLE "api_rate_windows" (
	"service_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "api_rate_windows_service_id_window_start_pk" PRIMARY KEY("service_id","window_start")
);
--> statement-breakpoint
-- …and the periodic jobs that one instance at a time runs (claim-periodic-job.ts).
CREATE TABLE "periodic_jobs" (
	"name" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Bodies rendered per delivery: a format of releases before 0004 that never shipped to production.
ALTER TABLE "deliveries" DROP COLUMN "body";
