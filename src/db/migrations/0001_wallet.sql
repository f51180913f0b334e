CREATE TABLE `claim_offers` (
	`id` text PRIMARY KEY NOT NULL,
	`code_hash` text NOT NULL,
	`credential_id` text NOT NULL,
	`format` text NOT NULL,
	`document` text,
	`jwt` text,
	`holder` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`claimed_at` text,
	`claimed_by_wallet_id` text,
	FOREIGN KEY (`claimed_by_wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claim_offers_code_hash_unique` ON `claim_offers` (`code_hash`);--> statement-breakpoint
CREATE INDEX `claim_offers_credential` ON `claim_offers` (`credential_id`);--> statement-breakpoint
CREATE TABLE `service_keys` (
	`purpose` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`public_key_multibase` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `share_link_credentials` (
	`share_link_id` text NOT NULL,
	`wallet_credential_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`share_link_id`, `wallet_credential_id`),
	FOREIGN KEY (`share_link_id`) REFERENCES `share_links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`wallet_credential_id`) REFERENCES `wallet_credentials`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `share_links` (
	`id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`label` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `share_links_token_hash_unique` ON `share_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `share_links_wallet` ON `share_links` (`wallet_id`);--> statement-breakpoint
CREATE TABLE `share_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`share_link_id` text NOT NULL,
	`viewed_at` text NOT NULL,
	FOREIGN KEY (`share_link_id`) REFERENCES `share_links`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `share_views_link` ON `share_views` (`share_link_id`);--> statement-breakpoint
CREATE TABLE `wallet_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`format` text NOT NULL,
	`document` text NOT NULL,
	`jwt` text,
	`added_at` text NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallet_credentials_unique` ON `wallet_credentials` (`wallet_id`,`credential_id`);--> statement-breakpoint
CREATE TABLE `wallet_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `wallets` (
	`id` text PRIMARY KEY NOT NULL,
	`secret_hash` text NOT NULL,
	`passphrase_hash` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallets_secret_hash_unique` ON `wallets` (`secret_hash`);