CREATE TABLE `training_credential_achievements` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`achievement_id` text NOT NULL,
	`achievement_version` integer NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
