import { sqliteTable, text, index } from 'drizzle-orm/sqlite-core';
import { organisations, type LocalisedText } from './schema.js';

/**
 * A recognition authority's statement that an issuer may certify within a scope (a framework, one level, or an
 * occupation) over a period. Granted here by a local recognition-authority organisation, or imported from another
 * country's trusted-issuer list.
 */
export const accreditations = sqliteTable('accreditations', {
  id: text('id').primaryKey(),
  authorityDid: text('authority_did').notNull(),
  authorityName: text('authority_name', { mode: 'json' }).$type<LocalisedText>().notNull(),
  /** Set when the authority is an organisation of this service; null for imported entries. */
  authorityOrganisationId: text('authority_organisation_id').references(() => organisations.id),
  issuerDid: text('issuer_did').notNull(),
  issuerName: text('issuer_name', { mode: 'json' }).$type<LocalisedText>(),
  /** framework | level | occupation */
  scopeType: text('scope_type').notNull(),
  /** A framework id (ma-cnc), a level ref (ma-cnc:3), an ISCO-08 group code (7112) or an ESCO occupation URI. */
  scopeValue: text('scope_value').notNull(),
  validFrom: text('valid_from').notNull(),
  validUntil: text('valid_until').notNull(),
  withdrawnAt: text('withdrawn_at'),
  withdrawalReason: text('withdrawal_reason'),
  /** 'local', or the id of the imported list the entry came from (re-importing that list replaces its entries). */
  origin: text('origin').notNull(),
  createdAt: text('created_at').notNull(),
}, (t) => [
  index('accreditations_issuer').on(t.issuerDid),
  index('accreditations_authority').on(t.authorityDid),
  index('accreditations_origin').on(t.origin),
]);
