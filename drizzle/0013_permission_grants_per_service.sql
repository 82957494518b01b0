ALTER TABLE "project_permissions" DROP CONSTRAINT "project_permissions_granted_by_service_id_services_id_fk";
--> statement-breakpoint
ALTER TABLE "project_permissions" DROP CONSTRAINT "project_permissions_project_id_email_hash_pk";--> statement-breakpoint
-- Each grant now belongs to the service that made it (CONTRACT §8). Existing rows keep their
-- granting service. A grant whose service was deleted (the old foreign key set it to null; services
-- are never deleted in practice) goes to the project's creating service, else to its first linked
-- service; none is left without one (a project's creator cannot be deleted), and the DELETE below
-- is only the guard of the NOT NULL that follows.
UPDATE "project_permissions" AS pp
SET "granted_by_service_id" = coalesce(
  (SELECT p."created_by_service_id" FROM "projects" p WHERE p."id" = pp."project_id"),
  (SELECT l."service_id" FROM "project_links" l WHERE l."project_id" = pp."project_id" ORDER BY l."created_at", l."service_id" LIMIT 1))
WHERE pp."granted_by_service_id" IS NULL;--> statement-breakpoint
DELETE FROM "project_permissions" WHERE "granted_by_service_id" IS NULL;--> statement-breakpoint
ALTER TABLE "project_permissions" ALTER COLUMN "granted_by_service_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "project_permissions" ADD CONSTRAINT "project_permissions_project_id_email_hash_granted_by_service_id_pk" PRIMARY KEY("project_id","email_hash","granted_by_service_id");