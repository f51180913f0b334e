CREATE TABLE `attempt_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`points` integer NOT NULL,
	`expire` integer
);
--> statement-breakpoint
CREATE TABLE `sealed_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`sealed` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `assessment_evidence` ADD `position` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `training_batch_rows` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `training_batch_rows` ADD `lease_expires_at` text;--> statement-breakpoint
-- Evidence added before this migration keeps the order it was added in (SQLite's rowid).
UPDATE `assessment_evidence` SET `position` = rowid;
