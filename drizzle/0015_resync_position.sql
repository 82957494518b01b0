ALTER TABLE "projects" ADD COLUMN "txid" bigint DEFAULT pg_current_xact_id()::text::bigint NOT NULL;--> statement-breakpoint
CREATE INDEX "projects_resync_idx" ON "projects" USING btree ("txid","id");