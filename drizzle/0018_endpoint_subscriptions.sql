ALTER TABLE "webhook_endpoints" ADD COLUMN "evenements" text[];--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "territoires" text[];