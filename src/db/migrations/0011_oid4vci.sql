CREATE TABLE `oid4vci_access_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`claim_offer_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`claim_offer_id`) REFERENCES `claim_offers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oid4vci_access_tokens_offer` ON `oid4vci_access_tokens` (`claim_offer_id`);--> statement-breakpoint
CREATE TABLE `oid4vci_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`credential_id` text NOT NULL,
	`format` text NOT NULL,
	`sha256` text NOT NULL,
	`holder_key_thumbprint` text NOT NULL,
	`delivered_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oid4vci_deliveries_credential` ON `oid4vci_deliveries` (`credential_id`);--> statement-breakpoint
CREATE TABLE `oid4vci_nonces` (
	`nonce_hash` text PRIMARY KEY NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oid4vci_nonces_expiry` ON `oid4vci_nonces` (`expires_at`);--> statement-breakpoint
ALTER TABLE `claim_offers` ADD `tx_code_hash` text;