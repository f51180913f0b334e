CREATE TABLE `assessment_cases` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`candidate` text NOT NULL,
	`reference` text NOT NULL,
	`units` text NOT NULL,
	`stage` text NOT NULL,
	`assessors` text NOT NULL,
	`decision` text,
	`decision_rationale` text,
	`gap_training` text,
	`appeal_of` text,
	`appeal_reason` text,
	`credential_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assessment_cases_org` ON `assessment_cases` (`organisation_id`);--> statement-breakpoint
CREATE INDEX `assessment_cases_appeal` ON `assessment_cases` (`appeal_of`);--> statement-breakpoint
CREATE TABLE `assessment_events` (
	`case_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`actor_token_id` text,
	`event` text NOT NULL,
	`stage` text NOT NULL,
	`details` text NOT NULL,
	PRIMARY KEY(`case_id`, `seq`),
	FOREIGN KEY (`case_id`) REFERENCES `assessment_cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `assessment_evidence` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`attested_by` text,
	`period_from` text,
	`period_to` text,
	`hours` integer,
	`sha256` text,
	`file_name` text,
	`media_type` text,
	`file_size` integer,
	`file` blob,
	`outcomes` text NOT NULL,
	`added_at` text NOT NULL,
	`added_by` text,
	FOREIGN KEY (`case_id`) REFERENCES `assessment_cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assessment_evidence_case` ON `assessment_evidence` (`case_id`);--> statement-breakpoint
CREATE TABLE `assessment_results` (
	`case_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`outcome_id` text NOT NULL,
	`method` text NOT NULL,
	`result` text NOT NULL,
	`comment` text,
	`assessed_at` text NOT NULL,
	`assessed_by` text,
	PRIMARY KEY(`case_id`, `unit_id`, `outcome_id`),
	FOREIGN KEY (`case_id`) REFERENCES `assessment_cases`(`id`) ON UPDATE no action ON DELETE no action
);
