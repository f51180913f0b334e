import { AsyncLocalStorage } from 'node:async_hooks';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { sqliteTables } from './tables.js';

/** The tables the repositories query: the SQLite ones, or those derived from them for PostgreSQL (same types). */
export type Tables = typeof sqliteTables;

/**
 * The query builder the repositories write against. Both dialects' drizzle handles build the same queries for what the
 * repositories use (select, insert, update, delete, returning, on conflict, awaited for their rows); the PostgreSQL
 * handle is given this type too, so that each repository is written once. Repositories never call the SQLite-only
 * `.get()`, `.all()` or `.run()`: they await the query.
 */
export type Db = BetterSQLite3Database<Tables>;

export type Dialect = 'sqlite' | 'postgres';

/** A select whose parameters are placeholders (`sql.placeholder`), as the repositories write it for `prepareSelect`. */
export interface PreparableSelect<Row> {
  prepare(): { all(placeholders?: Record<string, unknown>): Row[] };
}
/** Runs a prepared select with the placeholders' values. */
export type PreparedSelect<Row> = (placeholders: Record<string, unknown>) => Promise<Row[]>;

/**
 * Where the service keeps its state, whichever engine holds it. Every statement runs through `query` or inside
 * `transaction`; nothing outside src/db knows the dialect.
 */
export interface Database {
  readonly dialect: Dialect;
  /** The tables of this database's dialect, with the SQLite tables' types. */
  readonly tables: Tables;
  /** Runs statements on the connection of the transaction in progress, or on any connection outside one. */
  query<T>(statements: (db: Db) => PromiseLike<T>): Promise<T>;
  /**
   * A select built and prepared once, then run like `query` (in the transaction in progress, if any): for the reads
   * every verification makes, where building the query and preparing the statement cost more than running it.
   * `name` names the statement on the server (PostgreSQL): unique per query.
   */
  prepareSelect<Row>(name: string, build: (db: Db) => PreparableSelect<Row>): PreparedSelect<Row>;
  /**
   * Runs `work` in one transaction: every query it makes (through any repository) is part of it, and it commits when
   * `work` resolves or rolls back when it throws. A transaction begun inside another joins it. Keep `work` to storage:
   * signing or fetching inside would hold the write lock (SQLite) or a pooled connection (PostgreSQL) meanwhile.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Inserts many rows into `table` in one transaction (the one in progress, if any), each row giving every column (null
   * where empty): for the thousands of rows of a batch upload, where building a multi-row statement cost drizzle more
   * than running it. SQLite runs one statement, prepared once per table, for each row; PostgreSQL sends multi-row
   * statements (one round trip each).
   */
  insertRows<Table extends SQLiteTable>(table: Table, rows: Array<Table['$inferInsert']>): Promise<void>;
  /**
   * A value that changes whenever a committed write may have changed what a read returns, or undefined when there is
   * no cheaper way to know than reading (PostgreSQL, or while a transaction is open on the connection). Caches keyed by
   * a version read from the database (DID documents, status lists) read the version again only when the stamp differs
   * from the one taken before their last read.
   */
  changeStamp(): string | undefined;
  /**
   * Inside a transaction, waits until no other transaction holds the lock named `name`, and holds it until this one
   * ends: how appends to one organisation's audit chain are kept in line across instances.
   */
  lockForTransaction(name: string): Promise<void>;
  /** Fails when the database cannot be reached. */
  ping(): Promise<void>;
  /**
   * The committed migrations (of this dialect's folder) that the database has not recorded as applied, oldest first:
   * empty once it is up to date. An instance started before `npm run db:migrate` of a newer version, or beside a
   * database migrated by an older one, sees what is missing here (GET /health/ready).
   */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The transaction in progress in this asynchronous context: what `query` and nested `transaction` calls join.
 * Each Database implementation stores its own kind of handle.
 */
export class TransactionScope<Handle> {
  private readonly storage = new AsyncLocalStorage<Handle>();

  current(): Handle | undefined {
    return this.storage.getStore();
  }

  run<T>(handle: Handle, work: () => Promise<T>): Promise<T> {
    return this.storage.run(handle, work);
  }
}

/** The first row of a result, or undefined. */
export const firstRow = <Row>(rows: Row[]): Row | undefined => rows[0];
