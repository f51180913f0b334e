import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig as pgConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../src/db/database.js';
import { sqliteTables } from '../../src/db/tables.js';
import { postgresTables } from '../../src/db/postgres/tables.js';
import * as drizzleKitSchema from '../../src/db/postgres/schema.js';
import { dropSchema, openPostgres, postgresMigrationsFolder } from '../../src/db/postgres/connect.js';
import { MIGRATIONS_TABLE } from '../../src/db/migrationJournal.js';
import { postgresSkipReason, testPostgresUrl, uniqueSchema } from '../helpers/postgres.js';

/** Integer columns whose values can pass 2^31-1, and SQLite timestamps (epoch numbers): bigint in PostgreSQL. */
const BIGINT_COLUMNS = ['audit_entries.seq', 'share_views.id', 'status_lists.version', 'attempt_counters.expire'];

function expectedType(table: string, column: SQLiteColumn): string {
  if (BIGINT_COLUMNS.includes(`${table}.${column.name}`)) return 'bigint';
  const types: Record<string, string> = {
    SQLiteText: 'text', SQLiteTextJson: 'json', SQLiteBoolean: 'boolean', SQLiteInteger: 'integer', SQLiteBlobBuffer: 'bytea',
  };
  return types[column.columnType] ?? `unexpected ${column.columnType}`;
}

const skip = await postgresSkipReason();

const pgTables = postgresTables as unknown as Record<string, PgTable>;
const pgName = (column: unknown) => (column as { name: string }).name;
/** PostgreSQL keeps the first 63 bytes of a longer name. */
const truncated = (name: string) => name.slice(0, 63);

t.test('the drizzle-kit schema file exports every derived table', async (t) => {
  t.same(Object.keys(drizzleKitSchema).sort(), Object.keys(sqliteTables).sort(), 'same keys');
  for (const [key, table] of Object.entries(drizzleKitSchema)) t.equal(table, pgTables[key], key);
});

t.test('every table, column, key, index and foreign key of SQLite is derived', async (t) => {
  t.same(Object.keys(postgresTables).sort(), Object.keys(sqliteTables).sort(), 'same table keys');
  for (const [key, sqliteTable] of Object.entries(sqliteTables)) {
    const lite = sqliteConfig(sqliteTable);
    const pgTable = pgTables[key];
    if (!pgTable) continue;
    const pgc = pgConfig(pgTable);
    t.equal(pgc.name, lite.name, `${key}: table name`);
    const pgColumns = getTableColumns(pgTable) as Record<string, PgColumn>;
    t.same(Object.keys(pgColumns), Object.keys(getTableColumns(sqliteTable)), `${lite.name}: column keys`);
    for (const [columnKey, column] of Object.entries(getTableColumns(sqliteTable))) {
      const derived = pgColumns[columnKey];
      const where = `${lite.name}.${column.name}`;
      if (!derived) continue;
      t.same(
        { name: derived.name, type: derived.getSQLType(), notNull: derived.notNull, primary: derived.primary, unique: derived.isUnique ? derived.uniqueName : false, default: derived.default },
        { name: column.name, type: expectedType(lite.name, column), notNull: column.notNull, primary: column.primary, unique: column.isUnique ? column.uniqueName : false, default: column.default },
        where,
      );
    }
    t.same(
      pgc.primaryKeys.map((k) => ({ name: k.getName(), columns: k.columns.map(pgName) })),
      lite.primaryKeys.map((k) => ({ name: k.getName(), columns: k.columns.map(pgName) })),
      `${lite.name}: composite primary keys`,
    );
    t.same(
      pgc.indexes.map((i) => ({ name: i.config.name, unique: i.config.unique, columns: i.config.columns.map(pgName) })),
      lite.indexes.map((i) => ({ name: i.config.name, unique: i.config.unique, columns: i.config.columns.map(pgName) })),
      `${lite.name}: indexes`,
    );
    const foreignKey = (k: { getName(): string; onDelete?: string; onUpdate?: string; reference(): { columns: unknown[]; foreignColumns: unknown[]; foreignTable: unknown } }, config: (table: never) => { name: string }) => {
      const reference = k.reference();
      return {
        name: k.getName(), columns: reference.columns.map(pgName), foreignTable: config(reference.foreignTable as never).name,
        foreignColumns: reference.foreignColumns.map(pgName), onDelete: k.onDelete ?? 'no action', onUpdate: k.onUpdate ?? 'no action',
      };
    };
    t.same(
      pgc.foreignKeys.map((k) => foreignKey(k, pgConfig)),
      lite.foreignKeys.map((k) => foreignKey(k, sqliteConfig)),
      `${lite.name}: foreign keys`,
    );
  }
});

t.test('the committed PostgreSQL migrations name no schema', async (t) => {
  for (const file of fs.readdirSync(postgresMigrationsFolder).filter((name) => name.endsWith('.sql'))) {
    t.notMatch(fs.readFileSync(path.join(postgresMigrationsFolder, file), 'utf8'), /"public"\./, file);
  }
});

t.test('a database migrated with the PostgreSQL migrations has the derived tables', { skip }, async (t) => {
  const schema = uniqueSchema('schema');
  const connection = await openPostgres(testPostgresUrl, { schema, poolSize: 2 });
  t.teardown(async () => {
    await connection.close();
    await dropSchema(testPostgresUrl, schema);
  });
  const query = async (sql: string, params: string[] = [schema]) => (await connection.pool.query(sql, params)).rows as Array<Record<string, string>>;
  const derivedTables = Object.values(pgTables).map((table) => pgConfig(table));

  const columns = await query(`SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
    FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '${MIGRATIONS_TABLE}'`);
  const describe = (c: { table: string; column: string; type: string; nullable: boolean; hasDefault: boolean }) =>
    `${c.table}.${c.column} ${c.type}${c.nullable ? '' : ' not null'}${c.hasDefault ? ' default' : ''}`;
  t.same(
    columns.map((c) => describe({
      table: c.table_name!, column: c.column_name!, type: c.data_type!, nullable: c.is_nullable === 'YES',
      hasDefault: c.column_default !== null || c.is_identity === 'YES',
    })).sort(),
    derivedTables.flatMap((table) => table.columns.map((c) => describe({
      table: table.name, column: c.name, type: c.getSQLType(), nullable: !c.notNull,
      hasDefault: c.default !== undefined || c.generatedIdentity !== undefined,
    }))).sort(),
    'columns: type, nullability, default',
  );

  const indexes = await query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename <> '${MIGRATIONS_TABLE}'`);
  t.same(
    indexes.map((i) => i.indexname).sort(),
    derivedTables.flatMap((table) => [
      table.primaryKeys[0]?.getName() ?? `${table.name}_pkey`,
      ...table.columns.filter((c) => c.isUnique).map((c) => c.uniqueName!),
      ...table.indexes.map((i) => i.config.name!),
    ]).map(truncated).sort(),
    'primary keys, unique columns and indexes',
  );

  const foreignKeys = await query(`SELECT c.constraint_name, r.delete_rule FROM information_schema.table_constraints c
    JOIN information_schema.referential_constraints r USING (constraint_schema, constraint_name)
    WHERE c.constraint_schema = $1 AND c.constraint_type = 'FOREIGN KEY'`);
  t.same(
    foreignKeys.map((k) => `${k.constraint_name} ${k.delete_rule!.toLowerCase()}`).sort(),
    derivedTables.flatMap((table) => table.foreignKeys.map((k) => `${truncated(k.getName())} ${k.onDelete ?? 'no action'}`)).sort(),
    'foreign keys and their delete rules',
  );

  const journal = JSON.parse(fs.readFileSync(path.join(postgresMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const applied = await query(`SELECT count(*)::int AS n FROM ${schema}.${MIGRATIONS_TABLE}`, []);
  t.equal(Number(applied[0]?.n), journal.entries.length, 'bookkeeping in the schema: one row per migration');
});

t.test('json columns give documents back with their keys in the order written', { skip }, async (t) => {
  const schema = uniqueSchema('json');
  const connection = await openPostgres(testPostgresUrl, { schema, poolSize: 1 });
  t.teardown(async () => {
    await connection.close();
    await dropSchema(testPostgresUrl, schema);
  });
  // As the repositories use it: the PostgreSQL handle with the SQLite types.
  const db = connection.db as unknown as Db;
  const { sealedKeys } = postgresTables;
  const sealed = { z: 1, a: { y: 2, b: 3 }, m: [3, 1] };
  await db.insert(sealedKeys).values({ id: 'k', sealed, createdAt: '2026-01-01T00:00:00.000Z' });
  const [row] = await db.select().from(sealedKeys);
  t.equal(JSON.stringify(row?.sealed), JSON.stringify(sealed), 'same key order');
});
