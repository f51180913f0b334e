CREATE TABLE `training_achievements` (
	`organisation_id` text NOT NULL,
	`achievement_id` text NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`organisation_id`, `achievement_id`, `version`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `training_batch_rows` (
	`batch_id` text NOT NULL,
	`line` integer NOT NULL,
	`row_key` text NOT NULL,
	`credential_id` text NOT NULL,
	`recipient` text NOT NULL,
	`state` text NOT NULL,
	`outcome` text,
	`document` text,
	`finished_at` text,
	PRIMARY KEY(`batch_id`, `line`),
	FOREIGN KEY (`batch_id`) REFERENCES `training_batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `training_batch_rows_key` ON `training_batch_rows` (`batch_id`,`row_key`);--> statement-breakpoint
CREATE INDEX `training_batch_rows_state` ON `training_batch_rows` (`batch_id`,`state`);--> statement-breakpoint
CREATE INDEX `training_batch_rows_credential` ON `training_batch_rows` (`credential_id`);--> statement-breakpoint
CREATE TABLE `training_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`achievement_id` text NOT NULL,
	`achievement_version` integer NOT NULL,
	`file_sha256` text NOT NULL,
	`file_format` text NOT NULL,
	`credential_format` text NOT NULL,
	`state` text NOT NULL,
	`total_rows` integer NOT NULL,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `training_batches_file` ON `training_batches` (`organisation_id`,`achievement_id`,`file_sha256`);--> statement-breakpoint
CREATE INDEX `training_batches_state` ON `training_batches` (`state`);