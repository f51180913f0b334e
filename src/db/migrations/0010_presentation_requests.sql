CREATE TABLE `presentation_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`view_token_hash` text NOT NULL,
	`client_id` text NOT NULL,
	`nonce` text NOT NULL,
	`state` text NOT NULL,
	`dcql_query` text NOT NULL,
	`preset` text,
	`framework` text NOT NULL,
	`response_mode` text NOT NULL,
	`request_object` text,
	`response_key` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`answered_at` text,
	`outcome` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `presentation_requests_view_token_hash_unique` ON `presentation_requests` (`view_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `presentation_requests_nonce_unique` ON `presentation_requests` (`nonce`);--> statement-breakpoint
CREATE UNIQUE INDEX `presentation_requests_state_unique` ON `presentation_requests` (`state`);--> statement-breakpoint
CREATE INDEX `presentation_requests_expires` ON `presentation_requests` (`expires_at`);