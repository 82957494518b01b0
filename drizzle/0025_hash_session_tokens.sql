-- Issue #16: session tokens are now stored as the SHA-256 of the cookie's value, so the raw tokens
-- stored until now are usable cookies in a dump and match nothing any more: every open console
-- session ends (operators and agents sign in again). OIDC access and refresh tokens are never used
-- after login: none is kept.
DELETE FROM "sessions";--> statement-breakpoint
UPDATE "accounts" SET "access_token" = NULL, "refresh_token" = NULL WHERE "access_token" IS NOT NULL OR "refresh_token" IS NOT NULL;
