import fs from 'node:fs';
import path from 'node:path';

/** drizzle's bookkeeping table of applied migrations (the same name in both dialects). */
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/** A committed migration, as the folder's journal (meta/_journal.json) lists it. */
export interface CommittedMigration {
  tag: string;
  /** The journal's `when`: drizzle records it as `created_at` in its bookkeeping table when it applies the migration. */
  when: number;
}

export function committedMigrations(folder: string): CommittedMigration[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: CommittedMigration[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

/** The tags of the committed migrations the database has not recorded as applied, oldest first. */
export function pendingMigrations(folder: string, appliedTimes: readonly number[]): string[] {
  const applied = new Set(appliedTimes);
  return committedMigrations(folder).filter((migration) => !applied.has(migration.when)).map((migration) => migration.tag);
}
