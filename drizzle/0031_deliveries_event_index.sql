DROP INDEX "deliveries_event_endpoint_uq";--> statement-breakpoint
CREATE INDEX "deliveries_event_idx" ON "deliveries" USING btree ("event_id");