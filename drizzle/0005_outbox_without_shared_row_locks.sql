-- Outbox rows no longer take a share lock on the few shared service and endpoint rows per row
-- written (foreign-key checks); see the comment on events.author_service_id in src/db/schema.ts.
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_endpoint_id_webhook_endpoints_id_fk";
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_service_id_services_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_author_service_id_services_id_fk";
