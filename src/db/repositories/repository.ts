import type { Database, Db, Tables } from '../database.js';

/** What every repository shares: the tables of its database's dialect and the way to run statements on it. */
export abstract class Repository {
  protected readonly t: Tables;

  constructor(protected readonly database: Database) {
    this.t = database.tables;
  }

  protected query<T>(statements: (db: Db) => PromiseLike<T>): Promise<T> {
    return this.database.query(statements);
  }

  /** Several statements that must all happen or none: see Database.transaction. */
  protected transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }
}
