import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { organisations } from './schema.js';

/**
 * One hash-chained log per organisation. (organisation, seq) is the primary key, so two writers can never append the
 * same position: the chain cannot fork, and a gap or a reordering shows up when the chain is checked.
 */
export const auditEntries = sqliteTable('audit_entries', {
  organisationId: text('organisation_id').notNull().references(() => organisations.id),
  seq: integer('seq').notNull(),
  at: text('at').notNull(),
  /** The token that acted (the bootstrap administrator's token included); null only for actions of the service itself. */
  actorTokenId: text('actor_token_id'),
  action: text('action').notNull(),
  /** What the action is about: a credential id, a token id, a key, an accreditation, an assessment case. */
  subject: text('subject').notNull(),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [primaryKey({ columns: [t.organisationId, t.seq] })]);
