-- The status catalog's version: one row, moved by statement triggers in the same transaction as
-- any change of services or status mappings (console, CLI, API, migrations alike). Each API call
-- reads it with its key and reuses the catalog cached in process while it has not moved
-- (src/modules/statuses/load-status-catalog.ts).
CREATE TABLE "catalog_version" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL CHECK ("id"),
	"version" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "catalog_version" ("id", "version") VALUES (true, 1);
--> statement-breakpoint
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_version SET version = version + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER services_bump_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
--> statement-breakpoint
CREATE TRIGGER status_mappings_bump_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON status_mappings
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
