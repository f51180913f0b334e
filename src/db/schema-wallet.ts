import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Holders' wallets, claim offers and share links. Every secret (claim code, wallet link, share token, passphrase,
 * unlock session) is stored as a hash only: a copy of this database opens nothing.
 */

/** What the issuer said about the person a credential is for (options.holder), kept to greet them on the claim page. */
export interface HolderDetails {
  name?: string;
  /** The e-mail or phone number, masked (f***@example.org, +212 6** ** ** 12): enough to recognise, not to contact. */
  contactHint?: string;
  did?: string;
}

export const wallets = sqliteTable('wallets', {
  id: text('id').primaryKey(),
  /** SHA-256 of the wallet link's secret. */
  secretHash: text('secret_hash').notNull().unique(),
  /** scrypt$<salt>$<hash> of the holder's optional passphrase. */
  passphraseHash: text('passphrase_hash'),
  createdAt: text('created_at').notNull(),
});

/** A credential kept in a wallet: the signed document as issued (the JSON credential, or the JWT for vc+jwt). */
export const walletCredentials = sqliteTable('wallet_credentials', {
  id: text('id').primaryKey(),
  walletId: text('wallet_id').notNull().references(() => wallets.id, { onDelete: 'cascade' }),
  credentialId: text('credential_id').notNull(),
  format: text('format').notNull(),
  /** The verifiable credential as issued (for vc+jwt, the EnvelopedVerifiableCredential). */
  document: text('document', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  jwt: text('jwt'),
  addedAt: text('added_at').notNull(),
}, (t) => [uniqueIndex('wallet_credentials_unique').on(t.walletId, t.credentialId)]);

export const claimOffers = sqliteTable('claim_offers', {
  id: text('id').primaryKey(),
  codeHash: text('code_hash').notNull().unique(),
  credentialId: text('credential_id').notNull(),
  format: text('format').notNull(),
  /**
   * Cleared once claimed: the wallet then holds the only copy. An offer a wallet app took (OID4VCI: claimed, by no web
   * wallet) keeps it until the app fetched its copy.
   */
  document: text('document', { mode: 'json' }).$type<Record<string, unknown>>(),
  jwt: text('jwt'),
  holder: text('holder', { mode: 'json' }).$type<HolderDetails>().notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  claimedAt: text('claimed_at'),
  claimedByWalletId: text('claimed_by_wallet_id').references(() => wallets.id, { onDelete: 'set null' }),
  /**
   * SHA-256 of `<claim code>:<transaction code>` when a wallet app must also give a transaction code (OID4VCI tx_code,
   * sent to the holder apart from the link); salted by the 256-bit claim code, a copy of the database does not reveal it.
   */
  txCodeHash: text('tx_code_hash'),
}, (t) => [index('claim_offers_credential').on(t.credentialId)]);

export const shareLinks = sqliteTable('share_links', {
  id: text('id').primaryKey(),
  walletId: text('wallet_id').notNull().references(() => wallets.id, { onDelete: 'cascade' }),
  /** SHA-256 of the public token; the wallet re-derives the token from its own secret, so the link can be shown again. */
  tokenHash: text('token_hash').notNull().unique(),
  label: text('label'),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  revokedAt: text('revoked_at'),
}, (t) => [index('share_links_wallet').on(t.walletId)]);

export const shareLinkCredentials = sqliteTable('share_link_credentials', {
  shareLinkId: text('share_link_id').notNull().references(() => shareLinks.id, { onDelete: 'cascade' }),
  walletCredentialId: text('wallet_credential_id').notNull().references(() => walletCredentials.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
}, (t) => [primaryKey({ columns: [t.shareLinkId, t.walletCredentialId] })]);

/** One row per view of a share page: its time, nothing about the viewer. */
export const shareViews = sqliteTable('share_views', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  shareLinkId: text('share_link_id').notNull().references(() => shareLinks.id, { onDelete: 'cascade' }),
  viewedAt: text('viewed_at').notNull(),
}, (t) => [index('share_views_link').on(t.shareLinkId)]);

/** A wallet unlocked with its passphrase, for a few hours, on one browser (cookie holds the secret). */
export const walletSessions = sqliteTable('wallet_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  walletId: text('wallet_id').notNull().references(() => wallets.id, { onDelete: 'cascade' }),
  expiresAt: text('expires_at').notNull(),
});

/** The service's own keys (did:key), e.g. the one that signs share-link presentations on holders' behalf. */
export const serviceKeys = sqliteTable('service_keys', {
  purpose: text('purpose').primaryKey(),
  /** File name in the key store (same encryption at rest as organisations' keys). */
  keyId: text('key_id').notNull(),
  publicKeyMultibase: text('public_key_multibase').notNull(),
  createdAt: text('created_at').notNull(),
});
