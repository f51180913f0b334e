DROP INDEX "status_entries_credential_purpose";--> statement-breakpoint
CREATE INDEX "status_entries_credential_purpose" ON "status_entries" USING btree ("credential_id","purpose");