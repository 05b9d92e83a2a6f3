CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"case_id" uuid NOT NULL,
	"authority" text NOT NULL,
	"authority_reference" text,
	"package_digest" text NOT NULL,
	"package_enc" "bytea",
	"item_count" integer NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escalations_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"name" text NOT NULL,
	"abuse_email" text,
	"language" text DEFAULT 'en' NOT NULL,
	"partner" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hosts_domain_unique" UNIQUE("domain")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"item_id" uuid NOT NULL,
	"host_id" uuid,
	"recipient" text,
	"language" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notices_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "url_checks" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "url_checks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"item_id" uuid NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"checked_by" uuid
);
--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_item_id_case_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."case_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "url_checks" ADD CONSTRAINT "url_checks_item_id_case_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."case_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "url_checks" ADD CONSTRAINT "url_checks_checked_by_users_id_fk" FOREIGN KEY ("checked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalations_case_idx" ON "escalations" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "notices_item_idx" ON "notices" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "notices_sent_idx" ON "notices" USING btree ("sent_at");--> statement-breakpoint
CREATE INDEX "url_checks_item_idx" ON "url_checks" USING btree ("item_id","checked_at");