CREATE TABLE "presentation_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"view_token_hash" text NOT NULL,
	"client_id" text NOT NULL,
	"nonce" text NOT NULL,
	"state" text NOT NULL,
	"dcql_query" json NOT NULL,
	"preset" json,
	"framework" text NOT NULL,
	"response_mode" text NOT NULL,
	"request_object" text,
	"response_key" json,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"answered_at" text,
	"outcome" json,
	CONSTRAINT "presentation_requests_view_token_hash_unique" UNIQUE("view_token_hash"),
	CONSTRAINT "presentation_requests_nonce_unique" UNIQUE("nonce"),
	CONSTRAINT "presentation_requests_state_unique" UNIQUE("state")
);
--> statement-breakpoint
CREATE INDEX "presentation_requests_expires" ON "presentation_requests" USING btree ("expires_at");