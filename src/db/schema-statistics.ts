import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/**
 * Statistics the administrator published for everyone: the figures as computed then (k-suppressed), kept as they were,
 * with who published them, when, and under which k. The public sees these and nothing else.
 */
export const statisticsReleases = sqliteTable('statistics_releases', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  /** The token that published it (the administrator's). */
  publishedBy: text('published_by').notNull(),
  publishedAt: text('published_at').notNull(),
  k: integer('k').notNull(),
  /** The published table: request (period, dimensions, ISCO depth, months) and rows. */
  figures: text('figures', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
});
