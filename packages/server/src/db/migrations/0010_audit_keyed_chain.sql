-- The audit chain becomes keyed (issue #14): each new entry is chained with an HMAC under a key
-- derived from the master key, which lives outside the database, and names that key's version.
-- Existing entries keep their plain hashes and a null version; the first entry with a version marks
-- where the keyed chain starts. Adding a nullable column rewrites no row, so the append-only
-- triggers of 0003 stay as they are and fire for nothing here.
ALTER TABLE "audit_log" ADD COLUMN "key_version" text;
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_key_version_format" CHECK ("key_version" IS NULL OR "key_version" ~ '^[0-9a-f]{16}$');
