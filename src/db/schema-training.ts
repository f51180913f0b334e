import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { credentials, organisations } from './schema.js';

/**
 * Training centres: their catalogue of Open Badges 3.0 achievements (every version kept, since issued credentials
 * embed the version they were issued from) and batch issuance to whole cohorts, one row per recipient.
 */

export const achievements = sqliteTable('training_achievements', {
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  /** Chosen by the organisation or generated; part of the public URL /orgs/<slug>/achievements/<id>. */
  achievementId: text('achievement_id').notNull(),
  version: integer('version').notNull(),
  /** The validated definition with its references (levels, ESCO skills, ISCO group) resolved when it was saved. */
  definition: text('definition', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: text('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.organisationId, t.achievementId, t.version] })]);

export const batches = sqliteTable('training_batches', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  achievementId: text('achievement_id').notNull(),
  achievementVersion: integer('achievement_version').notNull(),
  /** SHA-256 of the uploaded file: the same file for the same achievement is the same batch. */
  fileSha256: text('file_sha256').notNull(),
  fileFormat: text('file_format').notNull(),
  credentialFormat: text('credential_format').notNull(),
  /** queued, running or completed; a batch not completed is resumed when the service starts. */
  state: text('state').notNull(),
  totalRows: integer('total_rows').notNull(),
  /** The token that sent the file: the audit log names it as the issuer of every row (none for batches sent before). */
  createdByTokenId: text('created_by_token_id'),
  createdAt: text('created_at').notNull(),
  startedAt: text('started_at'),
  finishedAt: text('finished_at'),
}, (t) => [
  uniqueIndex('training_batches_file').on(t.organisationId, t.achievementId, t.fileSha256),
  index('training_batches_state').on(t.state),
]);

export const batchRows = sqliteTable('training_batch_rows', {
  batchId: text('batch_id').notNull().references(() => batches.id),
  /** Line of the file where the row starts (the header is line 1 in CSV). */
  line: integer('line').notNull(),
  rowKey: text('row_key').notNull(),
  /** Derived from organisation, achievement and row key, so a row can only ever produce this one credential. */
  credentialId: text('credential_id').notNull(),
  /** The validated row: recipient (name, email, phone, DID) and result columns. */
  recipient: text('recipient', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** pending, issued, skipped (already issued earlier) or failed. */
  state: text('state').notNull(),
  /** For skipped and failed rows: {code, detail}. */
  outcome: text('outcome', { mode: 'json' }).$type<Record<string, unknown>>(),
  /** The signed credential (JSON; for vc+jwt the EnvelopedVerifiableCredential), written with the issuance itself. */
  document: text('document'),
  finishedAt: text('finished_at'),
  /** The instance working on this pending row, until `leaseExpiresAt`: after that any instance may take it over. */
  leaseOwner: text('lease_owner'),
  leaseExpiresAt: text('lease_expires_at'),
}, (t) => [
  primaryKey({ columns: [t.batchId, t.line] }),
  uniqueIndex('training_batch_rows_key').on(t.batchId, t.rowKey),
  // With the line, a lease's pending rows are found in file order without reading the rows already finished.
  index('training_batch_rows_state').on(t.batchId, t.state, t.line),
  index('training_batch_rows_credential').on(t.credentialId),
]);

/**
 * A credential issued one by one from a catalogue achievement (POST /credentials/issue with options.achievement): which
 * version it was issued from, so that statistics know its occupation, skills and levels as they do for batch rows.
 */
export const credentialAchievements = sqliteTable('training_credential_achievements', {
  credentialId: text('credential_id').primaryKey().references(() => credentials.id),
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  achievementId: text('achievement_id').notNull(),
  achievementVersion: integer('achievement_version').notNull(),
});
