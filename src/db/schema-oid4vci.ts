import { sqliteTable, text, index } from 'drizzle-orm/sqlite-core';
import { claimOffers } from './schema-wallet.js';

/**
 * Issuance to wallet apps (OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow). A claim offer's
 * pre-authorized code is its claim code: the token endpoint consumes the offer exactly as a web-wallet claim does.
 * Access tokens and nonces are random and stored as SHA-256 hashes, like every other secret of the service.
 */

/** An access token given for a claim offer; it lets the wallet fetch that offer's credential once. */
export const oid4vciAccessTokens = sqliteTable('oid4vci_access_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  claimOfferId: text('claim_offer_id').notNull().references(() => claimOffers.id, { onDelete: 'cascade' }),
  expiresAt: text('expires_at').notNull(),
  /** Set when the credential was delivered: the token then opens nothing. */
  usedAt: text('used_at'),
}, (t) => [index('oid4vci_access_tokens_offer').on(t.claimOfferId)]);

/** A c_nonce from the nonce endpoint: used once, by one credential request, before it expires. */
export const oid4vciNonces = sqliteTable('oid4vci_nonces', {
  nonceHash: text('nonce_hash').primaryKey(),
  expiresAt: text('expires_at').notNull(),
}, (t) => [index('oid4vci_nonces_expiry').on(t.expiresAt)]);

/**
 * A copy of an issued credential delivered to a wallet app, secured anew for the holder's key. The credential itself
 * stays one row in `credentials` (same id, same status entries): revoking it revokes every copy.
 */
export const oid4vciDeliveries = sqliteTable('oid4vci_deliveries', {
  id: text('id').primaryKey(),
  credentialId: text('credential_id').notNull(),
  /** The OID4VCI format: ldp_vc, jwt_vc_json or dc+sd-jwt. */
  format: text('format').notNull(),
  /** SHA-256 of the credential as delivered (the JSON text, or the compact JWT / SD-JWT). */
  sha256: text('sha256').notNull(),
  /** RFC 7638 thumbprint of the holder's key the copy is bound to. */
  holderKeyThumbprint: text('holder_key_thumbprint').notNull(),
  deliveredAt: text('delivered_at').notNull(),
}, (t) => [index('oid4vci_deliveries_credential').on(t.credentialId)]);
