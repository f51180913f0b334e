import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { sqliteTables } from './tables.js';
import { MIGRATIONS_TABLE } from './migrationJournal.js';

/** A key as the key store seals it (the key file's JSON), for the `sealed_keys` table. */
export interface SealedKeyRow { id: string; sealed: Record<string, unknown>; createdAt: string }

export interface TableCount { table: string; rows: number }

export class CopyRefusedError extends Error {}

/** PostgreSQL takes at most 65,535 parameters per statement; rows are inserted a few hundred at a time below that. */
const MAX_PARAMETERS = 60_000;
const MAX_ROWS_PER_INSERT = 500;

interface TableShape { name: string; columns: string[]; identity: string[]; dependsOn: string[] }

function shapeOf(table: SQLiteTable): TableShape {
  const config = getTableConfig(table);
  return {
    name: config.name,
    columns: config.columns.map((column) => column.name),
    identity: config.columns.filter((column) => (column as { autoIncrement?: boolean }).autoIncrement === true).map((column) => column.name),
    dependsOn: config.foreignKeys.map((key) => getTableConfig(key.reference().foreignTable as SQLiteTable).name).filter((name) => name !== config.name),
  };
}

/** Every table after the tables its foreign keys reference: the order in which rows can be inserted. */
export function tablesInDependencyOrder(): TableShape[] {
  const shapes = new Map(Object.values(sqliteTables).map((table) => [getTableConfig(table as SQLiteTable).name, shapeOf(table as SQLiteTable)]));
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    const shape = shapes.get(name)!;
    for (const dependency of shape.dependsOn) place(dependency, [...path, name]);
    placed.add(name);
    ordered.push(shape);
  };
  for (const name of [...shapes.keys()].sort()) place(name, []);
  return ordered;
}

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * Copies every table of a SQLite database (migrated to this version) into an empty PostgreSQL database (migrated too),
 * and the given sealed keys into `sealed_keys`, in one transaction: the target ends up with all of it or none of it.
 * Values move as SQLite holds them — timestamps as the same epoch numbers, JSON as its text, booleans as 0/1 — which
 * the PostgreSQL columns (derived from the SQLite ones, src/db/postgres/tables.ts) read as the same values. Rows are
 * read in rowid order, the order they were written in, so rows referring to earlier rows of their own table follow them.
 */
export async function copySqliteToPostgres(source: BetterSqlite3.Database, target: pg.ClientBase, sealedKeys: SealedKeyRow[]): Promise<TableCount[]> {
  const tables = tablesInDependencyOrder();
  const known = new Set([...tables.map((table) => table.name), MIGRATIONS_TABLE]);
  const present = (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((row) => row.name);
  const unknown = present.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new CopyRefusedError(`the SQLite database has tables this version does not know (${unknown.join(', ')}): is it from a newer version?`);

  await target.query('BEGIN');
  try {
    const nonEmpty = [];
    for (const table of tables) {
      const { rows } = await target.query(`SELECT 1 FROM ${quoted(table.name)} LIMIT 1`);
      if (rows.length > 0) nonEmpty.push(table.name);
    }
    if (nonEmpty.length > 0) throw new CopyRefusedError(`the PostgreSQL database is not empty (rows in ${nonEmpty.join(', ')}): copy into a new database`);
    const counts: TableCount[] = [];
    for (const table of tables) {
      const columns = table.columns.map(quoted).join(', ');
      const statement = source.prepare(`SELECT ${columns} FROM ${quoted(table.name)} ORDER BY rowid`).raw(true);
      const rowsPerInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / table.columns.length)));
      let pending: unknown[][] = [];
      let copied = 0;
      const flush = async () => {
        if (pending.length === 0) return;
        const width = table.columns.length;
        const tuples = pending.map((_row, r) => `(${table.columns.map((_column, c) => `$${r * width + c + 1}`).join(', ')})`);
        await target.query(`INSERT INTO ${quoted(table.name)} (${columns}) VALUES ${tuples.join(', ')}`, pending.flat());
        copied += pending.length;
        pending = [];
      };
      for (const row of statement.iterate() as Iterable<unknown[]>) {
        pending.push(row);
        if (pending.length === rowsPerInsert) await flush();
      }
      await flush();
      // Rows were inserted with their ids: the identity carries on after the largest, as AUTOINCREMENT would.
      for (const column of table.identity) {
        await target.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(${quoted(column)}), 0) + 1, false) FROM ${quoted(table.name)}`,
          [quoted(table.name), column]);
      }
      counts.push({ table: table.name, rows: copied });
    }
    const keysTable = getTableConfig(sqliteTables.sealedKeys as SQLiteTable).name;
    for (const key of sealedKeys) {
      await target.query(`INSERT INTO ${quoted(keysTable)} (id, sealed, created_at) VALUES ($1, $2, $3)`, [key.id, JSON.stringify(key.sealed), key.createdAt]);
    }
    const keysCount = counts.find((count) => count.table === keysTable)!;
    keysCount.rows += sealedKeys.length;
    await target.query('COMMIT');
    return counts;
  } catch (error) {
    await target.query('ROLLBACK');
    throw error;
  }
}
