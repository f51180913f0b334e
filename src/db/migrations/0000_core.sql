CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`types` text NOT NULL,
	`subject_id` text,
	`format` text NOT NULL,
	`sha256` text NOT NULL,
	`issued_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `credentials_org` ON `credentials` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisation_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`verification_method` text NOT NULL,
	`public_key_multibase` text NOT NULL,
	`created_at` text NOT NULL,
	`retired_at` text,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisation_keys_verification_method_unique` ON `organisation_keys` (`verification_method`);--> statement-breakpoint
CREATE INDEX `organisation_keys_org` ON `organisation_keys` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`country` text NOT NULL,
	`kind` text NOT NULL,
	`did_method` text NOT NULL,
	`did` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_slug_unique` ON `organisations` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_did_unique` ON `organisations` (`did`);--> statement-breakpoint
CREATE TABLE `status_entries` (
	`list_id` text NOT NULL,
	`status_index` integer NOT NULL,
	`credential_id` text NOT NULL,
	`purpose` text NOT NULL,
	`is_set` integer NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`list_id`, `status_index`),
	FOREIGN KEY (`list_id`) REFERENCES `status_lists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `status_entries_credential_purpose` ON `status_entries` (`credential_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `status_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`purpose` text NOT NULL,
	`size` integer NOT NULL,
	`allocated` integer NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `status_lists_open` ON `status_lists` (`organisation_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`label` text,
	`created_at` text NOT NULL,
	`expires_at` text,
	`revoked_at` text,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_secret_hash_unique` ON `tokens` (`secret_hash`);