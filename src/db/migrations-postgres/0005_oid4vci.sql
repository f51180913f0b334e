CREATE TABLE "oid4vci_access_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"claim_offer_id" text NOT NULL,
	"expires_at" text NOT NULL,
	"used_at" text
);
--> statement-breakpoint
CREATE TABLE "oid4vci_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"credential_id" text NOT NULL,
	"format" text NOT NULL,
	"sha256" text NOT NULL,
	"holder_key_thumbprint" text NOT NULL,
	"delivered_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oid4vci_nonces" (
	"nonce_hash" text PRIMARY KEY NOT NULL,
	"expires_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "claim_offers" ADD COLUMN "tx_code_hash" text;--> statement-breakpoint
ALTER TABLE "oid4vci_access_tokens" ADD CONSTRAINT "oid4vci_access_tokens_claim_offer_id_claim_offers_id_fk" FOREIGN KEY ("claim_offer_id") REFERENCES "claim_offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "oid4vci_access_tokens_offer" ON "oid4vci_access_tokens" USING btree ("claim_offer_id");--> statement-breakpoint
CREATE INDEX "oid4vci_deliveries_credential" ON "oid4vci_deliveries" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "oid4vci_nonces_expiry" ON "oid4vci_nonces" USING btree ("expires_at");