ALTER TABLE "case_items" ADD COLUMN "claimed_by" uuid;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "claim_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "decision" text;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "decision_ai_generated" boolean;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "decision_reason" text;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "case_items" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_items" ADD CONSTRAINT "case_items_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_items" ADD CONSTRAINT "case_items_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_items_queue_idx" ON "case_items" USING btree ("decision","created_at");