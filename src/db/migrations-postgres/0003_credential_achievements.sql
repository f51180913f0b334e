CREATE TABLE "training_credential_achievements" (
	"credential_id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"achievement_id" text NOT NULL,
	"achievement_version" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "training_credential_achievements" ADD CONSTRAINT "training_credential_achievements_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_credential_achievements" ADD CONSTRAINT "training_credential_achievements_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE no action ON UPDATE no action;