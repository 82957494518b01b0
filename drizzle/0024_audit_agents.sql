ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_actor_type_ck";--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "service_id" uuid;--> statement-breakpoint
CREATE INDEX "audit_log_service_idx" ON "audit_log" USING btree ("service_id","id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_type_ck" CHECK ("audit_log"."actor_type" in ('operator', 'agent', 'cli', 'system'));--> statement-breakpoint
-- Existing entries about a service name it as their target: they become filterable by service too.
UPDATE "audit_log" SET "service_id" = "target_id"::uuid WHERE "target_type" = 'service' AND "target_id" ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
