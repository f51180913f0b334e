CREATE TABLE "accreditations" (
	"id" text PRIMARY KEY NOT NULL,
	"authority_did" text NOT NULL,
	"authority_name" json NOT NULL,
	"authority_organisation_id" text,
	"issuer_did" text NOT NULL,
	"issuer_name" json,
	"scope_type" text NOT NULL,
	"scope_value" text NOT NULL,
	"valid_from" text NOT NULL,
	"valid_until" text NOT NULL,
	"withdrawn_at" text,
	"withdrawal_reason" text,
	"origin" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_achievements" (
	"organisation_id" text NOT NULL,
	"achievement_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" json NOT NULL,
	"created_at" text NOT NULL,
	CONSTRAINT "training_achievements_organisation_id_achievement_id_version_pk" PRIMARY KEY("organisation_id","achievement_id","version")
);
--> statement-breakpoint
CREATE TABLE "assessment_cases" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"candidate" json NOT NULL,
	"reference" json NOT NULL,
	"units" json NOT NULL,
	"stage" text NOT NULL,
	"assessors" json NOT NULL,
	"decision" text,
	"decision_rationale" text,
	"gap_training" json,
	"appeal_of" text,
	"appeal_reason" text,
	"credential_id" text,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_events" (
	"case_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" text NOT NULL,
	"actor_token_id" text,
	"event" text NOT NULL,
	"stage" text NOT NULL,
	"details" json NOT NULL,
	CONSTRAINT "assessment_events_case_id_seq_pk" PRIMARY KEY("case_id","seq")
);
--> statement-breakpoint
CREATE TABLE "assessment_evidence" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"attested_by" text,
	"period_from" text,
	"period_to" text,
	"hours" integer,
	"sha256" text,
	"file_name" text,
	"media_type" text,
	"file_size" integer,
	"file" "bytea",
	"outcomes" json NOT NULL,
	"added_at" text NOT NULL,
	"added_by" text,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_results" (
	"case_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"outcome_id" text NOT NULL,
	"method" text NOT NULL,
	"result" text NOT NULL,
	"comment" text,
	"assessed_at" text NOT NULL,
	"assessed_by" text,
	CONSTRAINT "assessment_results_case_id_unit_id_outcome_id_pk" PRIMARY KEY("case_id","unit_id","outcome_id")
);
--> statement-breakpoint
CREATE TABLE "attempt_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"organisation_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" text NOT NULL,
	"actor_token_id" text,
	"action" text NOT NULL,
	"subject" text NOT NULL,
	"details" json NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_entries_organisation_id_seq_pk" PRIMARY KEY("organisation_id","seq")
);
--> statement-breakpoint
CREATE TABLE "training_batch_rows" (
	"batch_id" text NOT NULL,
	"line" integer NOT NULL,
	"row_key" text NOT NULL,
	"credential_id" text NOT NULL,
	"recipient" json NOT NULL,
	"state" text NOT NULL,
	"outcome" json,
	"document" text,
	"finished_at" text,
	"lease_owner" text,
	"lease_expires_at" text,
	CONSTRAINT "training_batch_rows_batch_id_line_pk" PRIMARY KEY("batch_id","line")
);
--> statement-breakpoint
CREATE TABLE "training_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"achievement_id" text NOT NULL,
	"achievement_version" integer NOT NULL,
	"file_sha256" text NOT NULL,
	"file_format" text NOT NULL,
	"credential_format" text NOT NULL,
	"state" text NOT NULL,
	"total_rows" integer NOT NULL,
	"created_at" text NOT NULL,
	"started_at" text,
	"finished_at" text
);
--> statement-breakpoint
CREATE TABLE "claim_offers" (
	"id" text PRIMARY KEY NOT NULL,
	"code_hash" text NOT NULL,
	"credential_id" text NOT NULL,
	"format" text NOT NULL,
	"document" json,
	"jwt" text,
	"holder" json NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"claimed_at" text,
	"claimed_by_wallet_id" text,
	CONSTRAINT "claim_offers_code_hash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"types" json NOT NULL,
	"subject_id" text,
	"format" text NOT NULL,
	"sha256" text NOT NULL,
	"issued_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisation_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"verification_method" text NOT NULL,
	"public_key_multibase" text NOT NULL,
	"created_at" text NOT NULL,
	"retired_at" text,
	CONSTRAINT "organisation_keys_verification_method_unique" UNIQUE("verification_method")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" json NOT NULL,
	"country" text NOT NULL,
	"kind" text NOT NULL,
	"did_method" text NOT NULL,
	"did" text NOT NULL,
	"created_at" text NOT NULL,
	CONSTRAINT "organisations_slug_unique" UNIQUE("slug"),
	CONSTRAINT "organisations_did_unique" UNIQUE("did")
);
--> statement-breakpoint
CREATE TABLE "sealed_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"sealed" json NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_keys" (
	"purpose" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"public_key_multibase" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "share_link_credentials" (
	"share_link_id" text NOT NULL,
	"wallet_credential_id" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "share_link_credentials_share_link_id_wallet_credential_id_pk" PRIMARY KEY("share_link_id","wallet_credential_id")
);
--> statement-breakpoint
CREATE TABLE "share_links" (
	"id" text PRIMARY KEY NOT NULL,
	"wallet_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"label" text,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"revoked_at" text,
	CONSTRAINT "share_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "share_views" (
	"id" bigint PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "share_views_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"share_link_id" text NOT NULL,
	"viewed_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_entries" (
	"list_id" text NOT NULL,
	"status_index" integer NOT NULL,
	"credential_id" text NOT NULL,
	"purpose" text NOT NULL,
	"is_set" boolean NOT NULL,
	"updated_at" text NOT NULL,
	CONSTRAINT "status_entries_list_id_status_index_pk" PRIMARY KEY("list_id","status_index")
);
--> statement-breakpoint
CREATE TABLE "status_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"purpose" text NOT NULL,
	"size" integer NOT NULL,
	"allocated" integer NOT NULL,
	"version" bigint NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text,
	"secret_hash" text NOT NULL,
	"scopes" json NOT NULL,
	"label" text,
	"created_at" text NOT NULL,
	"expires_at" text,
	"revoked_at" text,
	CONSTRAINT "tokens_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "wallet_credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"wallet_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"format" text NOT NULL,
	"document" json NOT NULL,
	"jwt" text,
	"added_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"wallet_id" text NOT NULL,
	"expires_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallets" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"passphrase_hash" text,
	"created_at" text NOT NULL,
	CONSTRAINT "wallets_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
ALTER TABLE "accreditations" ADD CONSTRAINT "accreditations_authority_organisation_id_organisations_id_fk" FOREIGN KEY ("authority_organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_achievements" ADD CONSTRAINT "training_achievements_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_cases" ADD CONSTRAINT "assessment_cases_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_events" ADD CONSTRAINT "assessment_events_case_id_assessment_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "assessment_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_evidence" ADD CONSTRAINT "assessment_evidence_case_id_assessment_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "assessment_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_results" ADD CONSTRAINT "assessment_results_case_id_assessment_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "assessment_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_batch_rows" ADD CONSTRAINT "training_batch_rows_batch_id_training_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "training_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_batches" ADD CONSTRAINT "training_batches_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_offers" ADD CONSTRAINT "claim_offers_claimed_by_wallet_id_wallets_id_fk" FOREIGN KEY ("claimed_by_wallet_id") REFERENCES "wallets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_keys" ADD CONSTRAINT "organisation_keys_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_link_credentials" ADD CONSTRAINT "share_link_credentials_share_link_id_share_links_id_fk" FOREIGN KEY ("share_link_id") REFERENCES "share_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_link_credentials" ADD CONSTRAINT "share_link_credentials_wallet_credential_id_wallet_credentials_id_fk" FOREIGN KEY ("wallet_credential_id") REFERENCES "wallet_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "wallets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_views" ADD CONSTRAINT "share_views_share_link_id_share_links_id_fk" FOREIGN KEY ("share_link_id") REFERENCES "share_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_list_id_status_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_credentials" ADD CONSTRAINT "wallet_credentials_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "wallets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_sessions" ADD CONSTRAINT "wallet_sessions_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "wallets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accreditations_issuer" ON "accreditations" USING btree ("issuer_did");--> statement-breakpoint
CREATE INDEX "accreditations_authority" ON "accreditations" USING btree ("authority_did");--> statement-breakpoint
CREATE INDEX "accreditations_origin" ON "accreditations" USING btree ("origin");--> statement-breakpoint
CREATE INDEX "assessment_cases_org" ON "assessment_cases" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "assessment_cases_appeal" ON "assessment_cases" USING btree ("appeal_of");--> statement-breakpoint
CREATE INDEX "assessment_evidence_case" ON "assessment_evidence" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "training_batch_rows_key" ON "training_batch_rows" USING btree ("batch_id","row_key");--> statement-breakpoint
CREATE INDEX "training_batch_rows_state" ON "training_batch_rows" USING btree ("batch_id","state");--> statement-breakpoint
CREATE INDEX "training_batch_rows_credential" ON "training_batch_rows" USING btree ("credential_id");--> statement-breakpoint
CREATE UNIQUE INDEX "training_batches_file" ON "training_batches" USING btree ("organisation_id","achievement_id","file_sha256");--> statement-breakpoint
CREATE INDEX "training_batches_state" ON "training_batches" USING btree ("state");--> statement-breakpoint
CREATE INDEX "claim_offers_credential" ON "claim_offers" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "credentials_org" ON "credentials" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "organisation_keys_org" ON "organisation_keys" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "share_links_wallet" ON "share_links" USING btree ("wallet_id");--> statement-breakpoint
CREATE INDEX "share_views_link" ON "share_views" USING btree ("share_link_id");--> statement-breakpoint
CREATE UNIQUE INDEX "status_entries_credential_purpose" ON "status_entries" USING btree ("credential_id","purpose");--> statement-breakpoint
CREATE INDEX "status_lists_open" ON "status_lists" USING btree ("organisation_id","purpose");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_credentials_unique" ON "wallet_credentials" USING btree ("wallet_id","credential_id");