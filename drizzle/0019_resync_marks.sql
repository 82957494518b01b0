-- Resync marks (issue #15 item 2, CONTRACT §8): the database's snapshot at a time, so that
-- `updatedSince=T` also returns the changes of transactions that were still running at T (their
-- rows carry the time of their write statement, before T, but they committed after it).
CREATE TABLE "resync_marks" (
	"at" timestamp with time zone PRIMARY KEY NOT NULL,
	"snapshot" text NOT NULL
);--> statement-breakpoint
-- A first mark: every `updatedSince` after this migration has one at or before it.
INSERT INTO "resync_marks" ("at", "snapshot") SELECT clock_timestamp(), pg_current_snapshot()::text;
