import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { getTableColumns, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Config } from '../config.js';
import { TransactionScope, type Database, type Db, type PreparableSelect, type PreparedSelect } from './database.js';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrationJournal.js';
import { sqliteTables } from './tables.js';
import { BACKSTOP_CHECKPOINT_PAGES } from './walCheckpoints.js';

/** How long a statement waits for another process's write lock before failing "database is locked". */
const BUSY_TIMEOUT_MS = 5000;
/**
 * A transaction waiting for another process's write lock looks again this often. SQLite's own busy handler sleeps 1,
 * 2, 5, 10, 15, 20, 25... ms, blocking the event loop meanwhile and oversleeping the short transactions of batch issuance.
 */
const LOCK_POLL_MS = 1;

// Beside this module: src/db/migrations for the source, dist/db/migrations (copied by the build) for the compiled service.
export const sqliteMigrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** The embedded database's file, in the configuration's data folder. */
export const sqliteFileOf = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'passerelle.db');

/**
 * Opens (creating if needed) the SQLite database and applies the committed migrations.
 * WAL lets readers (verification, status lists) proceed while a writer issues; the busy timeout
 * lets several processes (PASSERELLE_WORKERS, the batch tool) share the file without SQLITE_BUSY errors.
 * `checkpointedElsewhere`: another process checkpoints the log (a cluster worker's primary, walCheckpoints.ts).
 */
export function openDatabase(file: string, options: { checkpointedElsewhere?: boolean } = {}): SqliteDatabase {
  if (file !== ':memory:') restrictToOwner(file);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (options.checkpointedElsewhere) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  const db = drizzle(sqlite, { schema: sqliteTables });
  migrate(db, { migrationsFolder: sqliteMigrationsFolder, migrationsTable: MIGRATIONS_TABLE });
  return new SqliteDatabase(sqlite, db);
}

/**
 * One connection per process, used by one piece of work at a time. better-sqlite3 runs each statement synchronously,
 * but a transaction spans awaits: while one is open, a statement from any other request would run inside it. So
 * every statement outside a transaction, and every transaction, takes turns (`turns`); statements inside a
 * transaction run at once on it. Transactions begin IMMEDIATE: they take the write lock before their first read, so
 * with several processes on one file a transaction waits for the lock (beginImmediate) instead of failing "database
 * is locked" when another process wrote between its read and its write.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite';
  readonly tables = sqliteTables;
  private readonly scope = new TransactionScope<true>();
  private turns: Promise<unknown> = Promise.resolve();
  private stampStatements: { dataVersion: BetterSqlite3.Statement; totalChanges: BetterSqlite3.Statement } | undefined;
  private readonly insertStatements = new Map<SQLiteTable, { run(placeholders: Record<string, unknown>): unknown }>();

  constructor(readonly sqlite: BetterSqlite3.Database, private readonly db: Db) {}

  query<T>(statements: (db: Db) => PromiseLike<T>): Promise<T> {
    if (this.scope.current()) return Promise.resolve(statements(this.db));
    return this.inTurn(async () => statements(this.db));
  }

  /**
   * SQLite's data_version, which changes when another connection (of any process) commits, with the rows this
   * connection has changed (total_changes(), which data_version does not count). Reading data_version costs a read
   * transaction, as a version read does: one stamp spares the version reads of a whole verification.
   */
  changeStamp(): string | undefined {
    if (this.sqlite.inTransaction) return undefined;
    this.stampStatements ??= {
      dataVersion: this.sqlite.prepare('pragma data_version').pluck(), totalChanges: this.sqlite.prepare('select total_changes()').pluck(),
    };
    return `${String(this.stampStatements.dataVersion.get())}:${String(this.stampStatements.totalChanges.get())}`;
  }

  /**
   * One connection: the statement prepared on it serves transactions too. A select runs at once, without waiting for
   * its turn, when it belongs to the transaction in progress or when no transaction is open on the connection: a
   * statement outside a transaction is its own (autocommit) read of committed rows, whatever is queued. Only while
   * another piece of work's transaction is open does it wait, as `query` does, so that it never reads that
   * transaction's uncommitted rows. Verification makes such reads on every call (versions of DID documents and status
   * lists): the turn's promises cost more than the indexed read itself.
   */
  prepareSelect<Row>(_name: string, build: (db: Db) => PreparableSelect<Row>): PreparedSelect<Row> {
    let statement: ReturnType<PreparableSelect<Row>['prepare']> | undefined;
    const run = (placeholders: Record<string, unknown>): Row[] => {
      statement ??= build(this.db).prepare();
      return statement.all(placeholders);
    };
    return (placeholders) => {
      if (this.sqlite.inTransaction && !this.scope.current()) return this.inTurn(async () => run(placeholders));
      try {
        return Promise.resolve(run(placeholders));
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.scope.current()) return work();
    return this.inTurn(async () => {
      await this.beginImmediate();
      try {
        const result = await this.scope.run(true, work);
        this.sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        throw error;
      }
    });
  }

  insertRows<Table extends SQLiteTable>(table: Table, rows: Array<Table['$inferInsert']>): Promise<void> {
    return this.transaction(async () => {
      let statement = this.insertStatements.get(table);
      if (!statement) {
        const placeholders = Object.fromEntries(Object.keys(getTableColumns(table)).map((column) => [column, sql.placeholder(column)]));
        statement = this.db.insert(table).values(placeholders as Table['$inferInsert']).prepare();
        this.insertStatements.set(table, statement);
      }
      for (const row of rows) statement.run(row);
    });
  }

  /**
   * Takes the write lock, waiting for another process to release it without blocking the event loop (other statements
   * of this process wait their turn meanwhile), for at most the busy timeout like any other statement.
   */
  private async beginImmediate(): Promise<void> {
    const deadline = performance.now() + BUSY_TIMEOUT_MS;
    while (!this.tryBeginImmediate()) {
      if (performance.now() >= deadline) throw new BetterSqlite3.SqliteError('database is locked', 'SQLITE_BUSY');
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  private tryBeginImmediate(): boolean {
    this.sqlite.pragma('busy_timeout = 0');
    try {
      this.sqlite.exec('BEGIN IMMEDIATE');
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      this.sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** An IMMEDIATE transaction already holds the database's only write lock: no other writer can be in between. */
  async lockForTransaction(): Promise<void> {
    if (!this.scope.current()) throw new Error('lockForTransaction is only meaningful inside a transaction');
  }

  async ping(): Promise<void> {
    await this.query(async () => this.sqlite.prepare('select 1').get());
  }

  async pendingMigrations(): Promise<string[]> {
    const applied = await this.query(async () =>
      this.sqlite.prepare(`SELECT created_at FROM ${MIGRATIONS_TABLE}`).all() as Array<{ created_at: number }>);
    return pendingMigrations(sqliteMigrationsFolder, applied.map((row) => Number(row.created_at)));
  }

  async close(): Promise<void> {
    await this.turns;
    this.sqlite.close();
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turns.then(work);
    this.turns = result.catch(() => undefined);
    return result;
  }
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
