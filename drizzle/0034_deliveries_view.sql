DROP TABLE "deliveries" CASCADE;--> statement-breakpoint
CREATE VIEW "public"."deliveries" AS (select * from "delivery_queue" union all select * from "delivery_log");