import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { TransactionScope, type Database, type Db, type PreparableSelect, type PreparedSelect } from '../database.js';
import { MIGRATIONS_TABLE, pendingMigrations } from '../migrationJournal.js';
import { openPostgres, postgresMigrationsFolder, type PostgresConnection, type PostgresOptions } from './connect.js';
import { postgresTables } from './tables.js';

type PgHandle = NodePgDatabase<typeof postgresTables>;

/**
 * PostgreSQL behind the same contract as SQLite: a pool of connections; a transaction holds one connection for its
 * duration, and every query made inside it (through AsyncLocalStorage) runs on that connection. Transactions run at
 * READ COMMITTED; the places that need more say so themselves (unique keys and retries for status indexes, row locks
 * for batch leases, advisory locks for audit chains).
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres';
  // Repositories are written against the SQLite tables' types; the derived tables have the same shape (see tables.ts).
  readonly tables = postgresTables;
  private readonly scope = new TransactionScope<PgHandle>();
  private closed: Promise<void> | undefined;

  private constructor(private readonly connection: PostgresConnection) {}

  /** Connects and applies the migrations (under an advisory lock, so that instances starting together do not race). */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    return new PostgresDatabase(await openPostgres(url, options));
  }

  query<T>(statements: (db: Db) => PromiseLike<T>): Promise<T> {
    const handle = this.scope.current() ?? this.connection.db;
    return Promise.resolve(statements(handle as unknown as Db));
  }

  /**
   * Outside a transaction, a named statement on the pool: each connection parses it once. Inside one, the query runs on
   * the transaction's connection, built again (a transaction is short-lived; its connection may not know the name).
   */
  prepareSelect<Row>(name: string, build: (db: Db) => PreparableSelect<Row>): PreparedSelect<Row> {
    // The PostgreSQL builder's prepare takes the statement's name (the SQLite type the repositories see takes none).
    type NamedPrepare = (name?: string) => { execute(placeholders: Record<string, unknown>): Promise<Row[]> };
    const prepare = (db: unknown, statementName?: string) => {
      const select = build(db as Db);
      return (select.prepare as unknown as NamedPrepare).call(select, statementName);
    };
    let pooled: ReturnType<NamedPrepare> | undefined;
    return (placeholders) => {
      const tx = this.scope.current();
      if (tx) return prepare(tx).execute(placeholders);
      pooled ??= prepare(this.connection.db, name);
      return pooled.execute(placeholders);
    };
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.scope.current()) return work();
    return this.connection.db.transaction((tx) => this.scope.run(tx as unknown as PgHandle, work));
  }

  insertRows<Table extends SQLiteTable>(table: Table, rows: Array<Table['$inferInsert']>): Promise<void> {
    // Well below PostgreSQL's 65,535 parameters per statement, whatever the table's width.
    const rowsPerStatement = Math.max(1, Math.floor(20_000 / Object.keys(getTableColumns(table)).length));
    return this.transaction(async () => {
      for (let i = 0; i < rows.length; i += rowsPerStatement) {
        await this.query((db) => db.insert(table).values(rows.slice(i, i + rowsPerStatement)));
      }
    });
  }

  /** Other instances' commits cannot be known without a round trip to the server: versions are read every time. */
  changeStamp(): undefined {
    return undefined;
  }

  async lockForTransaction(name: string): Promise<void> {
    const tx = this.scope.current();
    if (!tx) throw new Error('lockForTransaction is only meaningful inside a transaction');
    // Released by PostgreSQL itself when the transaction ends, committed or not.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`);
  }

  async ping(): Promise<void> {
    await this.connection.pool.query('select 1');
  }

  async pendingMigrations(): Promise<string[]> {
    // The schema name was checked when the connection opened (a plain identifier); the table is drizzle's own.
    const { rows } = await this.connection.pool.query<{ created_at: string }>(
      `SELECT created_at FROM ${this.connection.migrationsSchema}.${MIGRATIONS_TABLE}`);
    return pendingMigrations(postgresMigrationsFolder, rows.map((row) => Number(row.created_at)));
  }

  /** Closing twice is harmless (a pool refuses a second end). */
  close(): Promise<void> {
    this.closed ??= this.connection.close();
    return this.closed;
  }
}
