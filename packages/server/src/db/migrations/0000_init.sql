CREATE SEQUENCE "public"."bank_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "bank_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bank_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"signal_type" text NOT NULL,
	"value" text NOT NULL,
	"value_digest" text NOT NULL,
	"quality" integer,
	"verified" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"seq" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"url" text,
	"host" text,
	"dedupe_digest" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"secret_hash" text NOT NULL,
	"situation" text NOT NULL,
	"age_group" text NOT NULL,
	"ai_generated" text NOT NULL,
	"language" text NOT NULL,
	"wrapped_key" "bytea",
	"description_enc" "bytea",
	"contact_enc" "bytea",
	"status" text DEFAULT 'open' NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "cases_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "idempotency_records" (
	"key_digest" text PRIMARY KEY NOT NULL,
	"request_digest" text NOT NULL,
	"status_code" integer NOT NULL,
	"response_enc" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_bank_entries" (
	"item_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	CONSTRAINT "item_bank_entries_item_id_entry_id_pk" PRIMARY KEY("item_id","entry_id")
);
--> statement-breakpoint
CREATE TABLE "item_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "item_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"item_id" uuid NOT NULL,
	"status" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "victim_sessions" (
	"token_digest" text PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_items" ADD CONSTRAINT "case_items_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_bank_entries" ADD CONSTRAINT "item_bank_entries_item_id_case_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."case_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_bank_entries" ADD CONSTRAINT "item_bank_entries_entry_id_bank_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."bank_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_events" ADD CONSTRAINT "item_events_item_id_case_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."case_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "victim_sessions" ADD CONSTRAINT "victim_sessions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bank_entries_value_idx" ON "bank_entries" USING btree ("signal_type","value_digest");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_entries_seq_idx" ON "bank_entries" USING btree ("seq");--> statement-breakpoint
CREATE UNIQUE INDEX "case_items_position_idx" ON "case_items" USING btree ("case_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "case_items_dedupe_idx" ON "case_items" USING btree ("case_id","kind","dedupe_digest");--> statement-breakpoint
CREATE INDEX "item_bank_entries_entry_idx" ON "item_bank_entries" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "item_events_item_idx" ON "item_events" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "victim_sessions_case_idx" ON "victim_sessions" USING btree ("case_id");