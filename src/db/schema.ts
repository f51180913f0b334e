import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';
import type { KeyAlgorithm } from '../keys/keyStore.js';

/** Text per language, e.g. {"fr": "Centre de formation", "en": "Training centre"}. */
export type LocalisedText = Record<string, string>;

export const organisations = sqliteTable('organisations', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name', { mode: 'json' }).$type<LocalisedText>().notNull(),
  country: text('country').notNull(),
  kind: text('kind').notNull(),
  didMethod: text('did_method').notNull(),
  did: text('did').notNull().unique(),
  createdAt: text('created_at').notNull(),
  /**
   * Bumped in the same transaction as any change to the organisation's DID document (a key rotation): verifiers keep
   * the document and compare this number, read on each verification, instead of loading the document again.
   */
  keysVersion: integer('keys_version').notNull().default(1),
});

export const organisationKeys = sqliteTable('organisation_keys', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  /** Verification method id: `<did>#<fragment>`. */
  verificationMethod: text('verification_method').notNull().unique(),
  publicKeyMultibase: text('public_key_multibase').notNull(),
  /** Ed25519 or P-256: an organisation has at most one current key of each (keys made before P-256 are Ed25519). */
  algorithm: text('algorithm').$type<KeyAlgorithm>().notNull().default('Ed25519'),
  createdAt: text('created_at').notNull(),
  /** Set when a rotation replaces the key: it stops signing but stays in the DID document for verification. */
  retiredAt: text('retired_at'),
}, (t) => [index('organisation_keys_org').on(t.organisationId)]);

export const tokens = sqliteTable('tokens', {
  id: text('id').primaryKey(),
  /** Null for the bootstrap administrator's token, which acts on every organisation. */
  organisationId: text('organisation_id').references(() => organisations.id),
  /** SHA-256 of the bearer secret: the secret itself is shown once and never stored. */
  secretHash: text('secret_hash').notNull().unique(),
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
  label: text('label'),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at'),
  revokedAt: text('revoked_at'),
});

export const credentials = sqliteTable('credentials', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  types: text('types', { mode: 'json' }).$type<string[]>().notNull(),
  subjectId: text('subject_id'),
  format: text('format').notNull(),
  sha256: text('sha256').notNull(),
  issuedAt: text('issued_at').notNull(),
}, (t) => [index('credentials_org').on(t.organisationId)]);

export const statusLists = sqliteTable('status_lists', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  purpose: text('purpose').notNull(),
  size: integer('size').notNull(),
  allocated: integer('allocated').notNull(),
  /** Bumped on every status change, so that a cached signed list is rebuilt only when it changed. */
  version: integer('version').notNull(),
  createdAt: text('created_at').notNull(),
}, (t) => [index('status_lists_open').on(t.organisationId, t.purpose)]);

export const statusEntries = sqliteTable('status_entries', {
  listId: text('list_id').notNull().references(() => statusLists.id),
  statusIndex: integer('status_index').notNull(),
  credentialId: text('credential_id').notNull().references(() => credentials.id),
  purpose: text('purpose').notNull(),
  isSet: integer('is_set', { mode: 'boolean' }).notNull(),
  updatedAt: text('updated_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.listId, t.statusIndex] }),
  // Not unique: a credential delivered to a wallet app as SD-JWT VC also has that copy's Token Status List entry, for
  // the same purposes; POST /credentials/status changes them all (src/oid4vci).
  index('status_entries_credential_purpose').on(t.credentialId, t.purpose),
]);

/**
 * Private keys and service secrets sealed as the key store seals them (AES-256-GCM under PASSERELLE_KEY_SECRET), for
 * deployments where several instances must share them (PostgreSQL). The embedded SQLite mode keeps them in files.
 */
export const sealedKeys = sqliteTable('sealed_keys', {
  id: text('id').primaryKey(),
  sealed: text('sealed', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: text('created_at').notNull(),
});

/** Failed attempts counted per key (client address, wallet), shared by every instance: see src/wallet/attemptLimiter.ts. */
export const attemptCounters = sqliteTable('attempt_counters', {
  key: text('key').primaryKey(),
  points: integer('points').notNull(),
  expire: integer('expire', { mode: 'timestamp_ms' }),
});
