-- Attempt rows are written only by the delivery core: see delivery_attempts.delivery_id in src/db/schema.ts.
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk";
