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
  if (file !== ':memory:') restrictToOwner(file);
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
 * The database holds names, contacts, evidence files and wallets: its folder is 0700 and its files 0600, whatever the
 * umask. SQLite gives the -wal and -shm files the mode of the database file. A folder or file left wider by an earlier
 * version is narrowed (chmod), with a warning saying so, rather than refused: the owner is the one who starts the service.
 */
function restrictToOwner(file: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  narrow(dir, 0o700);
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(existing)) narrow(existing, 0o600);
  }
}

function narrow(target: string, mode: number): void {
  const current = fs.statSync(target).mode & 0o777;
  if (current === mode || (current & ~mode) === 0) return;
  fs.chmodSync(target, mode);
  process.emitWarning(`${target} was readable by others (mode ${current.toString(8)}); changed to ${mode.toString(8)}`, { code: 'PASSERELLE_FILE_MODE' });
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
