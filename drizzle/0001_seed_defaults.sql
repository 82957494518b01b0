-- Default data of the design note: generic statuses, the four connected services and their status mappings.
-- Idempotent: a database that already holds them is left as it is.
INSERT INTO "generic_statuses" ("code", "libelle", "position") VALUES
  ('IDEE', 'Idée', 1),
  ('FAISABILITE', 'Faisabilité', 2),
  ('EN_COURS', 'En cours', 3),
  ('IMPACTE', 'Impacté (en retard, en pause, bloqué)', 4),
  ('ABANDONNE', 'Abandonné', 5),
  ('TERMINE', 'Terminé', 6)
ON CONFLICT ("code") DO NOTHING;
--> statement-breakpoint
INSERT INTO "services" ("slug", "nom") VALUES
  ('mec', 'Mon Espace Collectivité'),
  ('recoco', 'Recoco'),
  ('tet', 'Territoires en Transitions'),
  ('aides-territoires', 'Aides-territoires')
ON CONFLICT ("slug") DO NOTHING;
--> statement-breakpoint
INSERT INTO "status_mappings" ("service_id", "label", "generic_status", "is_default")
SELECT s."id", v.label, v.generic_status, v.is_default FROM (VALUES
  ('mec', 'Non démarré, intention', 'IDEE', true),
  ('mec', 'Etudes pré-opérationnelles non initiées', 'IDEE', false),
  ('mec', 'Etudes pré-opérationnelles en cours', 'FAISABILITE', true),
  ('mec', 'Etudes opérationnelles en cours', 'EN_COURS', true),
  ('mec', 'Opération en pause, reportée', 'IMPACTE', true),
  ('mec', 'Opération abandonnée, annulée', 'ABANDONNE', true),
  ('mec', 'Opération terminée, livrée', 'TERMINE', true),
  ('recoco', 'Non démarré, intention', 'IDEE', true),
  ('recoco', 'Etudes pré-opérationnelles non initiées', 'IDEE', false),
  ('recoco', 'Etudes pré-opérationnelles en cours', 'FAISABILITE', true),
  ('recoco', 'Etudes opérationnelles en cours', 'EN_COURS', true),
  ('recoco', 'Opération en pause, reportée', 'IMPACTE', true),
  ('recoco', 'Opération abandonnée, annulée', 'ABANDONNE', true),
  ('recoco', 'Opération terminée, livrée', 'TERMINE', true),
  ('tet', 'A venir', 'IDEE', true),
  ('tet', 'A discuter', 'FAISABILITE', true),
  ('tet', 'En cours', 'EN_COURS', true),
  ('tet', 'En retard', 'IMPACTE', true),
  ('tet', 'En pause', 'IMPACTE', false),
  ('tet', 'Bloqué', 'IMPACTE', false),
  ('tet', 'Réalisé', 'TERMINE', true),
  ('tet', 'Abandonné', 'ABANDONNE', true),
  ('aides-territoires', 'Réflexion / conception', 'IDEE', true),
  ('aides-territoires', 'Mise en oeuvre / réalisation', 'EN_COURS', true),
  ('aides-territoires', 'Usage / valorisation', 'TERMINE', true)
) AS v(slug, label, generic_status, is_default)
JOIN "services" s ON s."slug" = v.slug
ON CONFLICT DO NOTHING;
