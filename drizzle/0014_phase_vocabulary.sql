CREATE TABLE "phase_mappings" (
	"phase" text NOT NULL,
	"phase_statut" text NOT NULL,
	"generic_status" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "phase_mappings_phase_phase_statut_pk" PRIMARY KEY("phase","phase_statut")
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "phase" text;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "phase_statut" text;--> statement-breakpoint
ALTER TABLE "phase_mappings" ADD CONSTRAINT "phase_mappings_generic_status_generic_statuses_code_fk" FOREIGN KEY ("generic_status") REFERENCES "public"."generic_statuses"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "phase_mappings_one_default_uq" ON "phase_mappings" USING btree ("generic_status") WHERE "phase_mappings"."is_default";--> statement-breakpoint
-- The default correspondence of CONTRACT §8 (phase × phaseStatut → generic status; one default pair
-- per generic status for the translation back). Idempotent like the other seeds.
INSERT INTO "phase_mappings" ("phase", "phase_statut", "generic_status", "is_default")
SELECT v.phase, v.phase_statut, v.generic_status, v.is_default FROM (VALUES
  ('Idée', 'En cours', 'IDEE', true),
  ('Étude', 'En cours', 'FAISABILITE', true),
  ('Idée', 'Terminé', 'FAISABILITE', false),
  ('Étude', 'Terminé', 'FAISABILITE', false),
  ('Opération', 'En cours', 'EN_COURS', true),
  ('Opération', 'En retard', 'IMPACTE', true),
  ('Idée', 'En retard', 'IMPACTE', false),
  ('Étude', 'En retard', 'IMPACTE', false),
  ('Idée', 'En pause', 'IMPACTE', false),
  ('Étude', 'En pause', 'IMPACTE', false),
  ('Opération', 'En pause', 'IMPACTE', false),
  ('Idée', 'Bloqué', 'IMPACTE', false),
  ('Étude', 'Bloqué', 'IMPACTE', false),
  ('Opération', 'Bloqué', 'IMPACTE', false),
  ('Opération', 'Abandonné', 'ABANDONNE', true),
  ('Idée', 'Abandonné', 'ABANDONNE', false),
  ('Étude', 'Abandonné', 'ABANDONNE', false),
  ('Opération', 'Terminé', 'TERMINE', true)
) AS v(phase, phase_statut, generic_status, is_default)
JOIN "generic_statuses" g ON g."code" = v.generic_status
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- An edit of the correspondence moves the status catalog's version, as an edit of status mappings
-- does (migration 0008): every hub process reloads its cached catalog.
CREATE TRIGGER phase_mappings_bump_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON phase_mappings
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
