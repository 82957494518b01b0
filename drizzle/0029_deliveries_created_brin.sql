DROP INDEX "deliveries_created_idx";--> statement-breakpoint
CREATE INDEX "deliveries_created_brin_idx" ON "deliveries" USING brin ("created_at");