CREATE TABLE `accreditations` (
	`id` text PRIMARY KEY NOT NULL,
	`authority_did` text NOT NULL,
	`authority_name` text NOT NULL,
	`authority_organisation_id` text,
	`issuer_did` text NOT NULL,
	`issuer_name` text,
	`scope_type` text NOT NULL,
	`scope_value` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_until` text NOT NULL,
	`withdrawn_at` text,
	`withdrawal_reason` text,
	`origin` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`authority_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `accreditations_issuer` ON `accreditations` (`issuer_did`);--> statement-breakpoint
CREATE INDEX `accreditations_authority` ON `accreditations` (`authority_did`);--> statement-breakpoint
CREATE INDEX `accreditations_origin` ON `accreditations` (`origin`);