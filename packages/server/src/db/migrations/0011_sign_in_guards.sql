-- Sign-in that holds under concurrency and replay (issue #14, items 3 and 5).
--
-- users.totp_last_step: the last TOTP time step accepted for the account
-- (enrolment's first code included); a code of that step or an older one is
-- refused, and the guarded UPDATE … WHERE totp_last_step < $step lets only
-- one of two simultaneous uses of a code through.
ALTER TABLE "users" ADD COLUMN "totp_last_step" bigint;
--> statement-breakpoint
-- Failed sign-ins per target (a console e-mail address or a case number,
-- known or not), keyed by an HMAC of the normalised target under a key
-- derived from the master key: the table says neither which addresses nor
-- which case numbers were tried. A row is forgotten at expires_at.
CREATE TABLE "sign_in_guards" (
	"target_digest" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"locked_until" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sign_in_guards_expires_idx" ON "sign_in_guards" USING btree ("expires_at");
--> statement-breakpoint
-- Per-client and total request budgets shared by the replicas (with
-- DATABASE_URL): a bucket is an HMAC of the client's address (never the
-- address) or a fixed name, and lives until its window ends.
CREATE TABLE "client_budgets" (
	"bucket" text PRIMARY KEY NOT NULL,
	"hits" integer NOT NULL,
	"resets_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "client_budgets_resets_idx" ON "client_budgets" USING btree ("resets_at");
--> statement-breakpoint
-- The old read-then-write counters (users.failed_logins, users.locked_until,
-- cases.failed_attempts, cases.locked_until) are no longer read or written;
-- they stay until a later migration drops them, so that a replica still
-- running the previous release keeps working while the new one starts.
COMMENT ON COLUMN "users"."failed_logins" IS 'unused since 0011_sign_in_guards (see sign_in_guards); to be dropped';
--> statement-breakpoint
COMMENT ON COLUMN "users"."locked_until" IS 'unused since 0011_sign_in_guards (see sign_in_guards); to be dropped';
--> statement-breakpoint
COMMENT ON COLUMN "cases"."failed_attempts" IS 'unused since 0011_sign_in_guards (see sign_in_guards); to be dropped';
--> statement-breakpoint
COMMENT ON COLUMN "cases"."locked_until" IS 'unused since 0011_sign_in_guards (see sign_in_guards); to be dropped';
