ALTER TABLE "deliveries" ADD COLUMN "retry_step" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "next_trigger" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_lane_active_idx" ON "deliveries" USING btree ("endpoint_id","project_id","id") WHERE "deliveries"."state" in ('pending', 'in_flight');