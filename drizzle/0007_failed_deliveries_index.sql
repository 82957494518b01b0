-- Only failed deliveries are indexed by state: see deliveries_failed_idx in src/db/schema.ts.
DROP INDEX "deliveries_state_created_idx";--> statement-breakpoint
CREATE INDEX "deliveries_failed_idx" ON "deliveries" USING btree ("id") WHERE "deliveries"."state" = 'failed';