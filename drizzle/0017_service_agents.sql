CREATE TABLE "service_agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"email" text NOT NULL,
	"niveau" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "service_agents" ADD CONSTRAINT "service_agents_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_agents_service_email_uq" ON "service_agents" USING btree ("service_id","email");--> statement-breakpoint
CREATE INDEX "service_agents_email_idx" ON "service_agents" USING btree ("email");