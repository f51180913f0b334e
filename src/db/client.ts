import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { projectRoot } from '../config.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = path.join(projectRoot, 'src', 'db', 'migrations');

/**
 * Opens (creating if needed) the SQLite database and applies the committed migrations.
 * WAL lets readers (verification, status lists) proceed while a writer issues; the busy timeout
 * lets several processes (worker threads, the batch tool) share the file without SQLITE_BUSY errors.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  beginTransactionsImmediately(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return db;
}

/**
 * Every transaction takes the write lock when it begins (BEGIN IMMEDIATE) instead of at its first write. With several
 * processes on one file (PASSERELLE_WORKERS), a deferred transaction that reads and then writes fails at once with
 * "database is locked" when another process wrote meanwhile; an immediate one waits its turn (busy_timeout).
 * drizzle asks for the "deferred" variant by default, so that variant is the immediate one here.
 */
function beginTransactionsImmediately(sqlite: Database.Database): void {
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: never[]) => unknown) => {
    const variants = transaction(fn);
    const { immediate, exclusive } = variants;
    return Object.assign((...args: never[]) => immediate(...args), { default: immediate, deferred: immediate, immediate, exclusive });
  }) as typeof sqlite.transaction;
}
