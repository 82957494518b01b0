ALTER TABLE "status_mappings" ADD COLUMN "label_key" text GENERATED ALWAYS AS (lower(regexp_replace(normalize(label, NFKD), '^\s+|\s+$|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'))) STORED NOT NULL;--> statement-breakpoint
-- Look-alike labels already stored (issue #15 item 9) are reported, not merged: projects and
-- services may rely on either spelling, and only an operator can tell which one to keep.
DO $$
DECLARE
  found text;
BEGIN
  SELECT string_agg(format('%s : %s', s."slug", g.labels), ' ; ' ORDER BY s."slug", g.labels) INTO found
  FROM (
    SELECT "service_id", string_agg(format('« %s »', "label"), ', ' ORDER BY "label") AS labels
    FROM "status_mappings" GROUP BY "service_id", "label_key" HAVING count(*) > 1
  ) g JOIN "services" s ON s."id" = g."service_id";
  IF found IS NOT NULL THEN
    RAISE EXCEPTION 'Libellés de statut qui ne diffèrent que par la casse, les accents ou la forme Unicode : %', found
      USING HINT = 'Gardez un seul libellé de chaque groupe (supprimez les autres de status_mappings, et reportez-les dans project_links.status_label), puis relancez db:migrate.';
  END IF;
END $$;--> statement-breakpoint
-- Labels are compared in NFC, trimmed (the API normalises its input the same way).
UPDATE "status_mappings" SET "label" = regexp_replace(normalize("label", NFC), '^\s+|\s+$', '', 'g')
WHERE "label" <> regexp_replace(normalize("label", NFC), '^\s+|\s+$', '', 'g');--> statement-breakpoint
UPDATE "project_links" SET "status_label" = regexp_replace(normalize("status_label", NFC), '^\s+|\s+$', '', 'g')
WHERE "status_label" <> regexp_replace(normalize("status_label", NFC), '^\s+|\s+$', '', 'g');--> statement-breakpoint
CREATE UNIQUE INDEX "status_mappings_service_label_key_uq" ON "status_mappings" USING btree ("service_id","label_key");
