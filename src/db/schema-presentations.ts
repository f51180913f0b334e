import { sqliteTable, text, index } from 'drizzle-orm/sqlite-core';

/**
 * Presentation requests an employer sends to a wallet app (OpenID4VP). The row is the one truth every instance reads:
 * its nonce and state are single-use (answeredAt is set once, by a guarded update), and it expires.
 */
export const presentationRequests = sqliteTable('presentation_requests', {
  /** Random, public: it is in the request_uri and response_uri the wallet sees. */
  id: text('id').primaryKey(),
  /** SHA-256 of the secret in the employer's result page address (the wallet never sees it). */
  viewTokenHash: text('view_token_hash').notNull().unique(),
  clientId: text('client_id').notNull(),
  nonce: text('nonce').notNull().unique(),
  state: text('state').notNull().unique(),
  /** The DCQL query as sent to the wallet. */
  dcqlQuery: text('dcql_query', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** Which preset (and its parameter) made the query, for the page's words; null for raw DCQL. */
  preset: text('preset', { mode: 'json' }).$type<{ id: 'achievement-level' | 'occupation'; value: string }>(),
  /** The framework (country) the employer wants recognition in. */
  framework: text('framework').notNull(),
  responseMode: text('response_mode').notNull(),
  /** The signed request object served at request_uri (null when the request goes by value, unsigned). */
  requestObject: text('request_object'),
  /** The private JWK the wallet encrypts its response to (direct_post.jwt); cleared once answered. */
  responseKey: text('response_key', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  answeredAt: text('answered_at'),
  /** What the wallet sent and how it verified (see src/presentationRequests/outcome.ts). */
  outcome: text('outcome', { mode: 'json' }).$type<Record<string, unknown>>(),
}, (t) => [index('presentation_requests_expires').on(t.expiresAt)]);
