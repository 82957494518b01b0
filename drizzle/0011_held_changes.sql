CREATE TABLE "held_changes" (
	"endpoint_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"project_version" integer NOT NULL,
	"author_service_id" uuid,
	"changements" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"held_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "held_changes_endpoint_id_project_id_pk" PRIMARY KEY("endpoint_id","project_id")
);
