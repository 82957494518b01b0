-- One body per event instead of one per delivery: the receiver-specific fields travel in
-- deliveries.receiver_view and are merged at send time. deliveries.body stays for rows queued
-- before this migration. deliveries_lane_idx goes: the claim's lane check and the lane-head
-- trigger use deliveries_lane_active_idx, and lookups by project go through events_project_idx;
-- every index of deliveries is rewritten at each of a delivery's three state changes.
DROP INDEX "deliveries_lane_idx";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "receiver_view" jsonb;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "body" text;