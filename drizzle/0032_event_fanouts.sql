CREATE TABLE "event_fanouts" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "event_fanouts_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" text NOT NULL,
	"receiver_views" jsonb,
	"territory_keys" jsonb,
	"leaving_keys" jsonb
);
