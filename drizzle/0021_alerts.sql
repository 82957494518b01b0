CREATE TABLE "alert_digests" (
	"day" date PRIMARY KEY NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_mails" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"service_id" uuid,
	"endpoint_id" uuid,
	"recipient" text NOT NULL,
	"facts" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "service_contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "alert_subscribed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "alert_state" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "service_contacts" ADD CONSTRAINT "service_contacts_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_mails_due_idx" ON "alert_mails" USING btree ("next_attempt_at") WHERE "alert_mails"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "alert_mails_recipient_idx" ON "alert_mails" USING btree ("recipient");--> statement-breakpoint
CREATE UNIQUE INDEX "service_contacts_service_email_uq" ON "service_contacts" USING btree ("service_id","email");--> statement-breakpoint
CREATE INDEX "service_contacts_email_idx" ON "service_contacts" USING btree ("email");--> statement-breakpoint
-- Endpoints disabled automatically before alerts existed: their recovery is announced like any other.
UPDATE "webhook_endpoints" SET "alert_state" = 'disabled' WHERE NOT "enabled" AND "disabled_reason" IS NOT NULL;