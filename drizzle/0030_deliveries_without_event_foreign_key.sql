ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_event_id_events_id_fk";
