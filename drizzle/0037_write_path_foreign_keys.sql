-- Issue #17: no foreign keys from the write path's rows to the few rows of services and generic
-- statuses, which are never deleted. Each check key-share-locked the same row (the writing service,
-- the project's generic status) once per project or link: a WAL record each, a multixact under
-- concurrent writers of one service, and 15 % of a 1000-project bulk statement's time.
ALTER TABLE "project_links" DROP CONSTRAINT "project_links_service_id_services_id_fk";
--> statement-breakpoint
ALTER TABLE "projects" DROP CONSTRAINT "projects_generic_status_generic_statuses_code_fk";
--> statement-breakpoint
ALTER TABLE "projects" DROP CONSTRAINT "projects_created_by_service_id_services_id_fk";
