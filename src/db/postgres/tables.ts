import { getTableColumns, is, SQL } from 'drizzle-orm';
import {
  bigint, boolean, customType, foreignKey, index, integer, json, pgTable, primaryKey, text, unique, uniqueIndex,
  type PgColumn, type PgColumnBuilderBase, type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { sqliteTables } from '../tables.js';

/**
 * The PostgreSQL tables, derived at module load from the SQLite tables (src/db/schema*.ts), which stay the one
 * description of the schema: same table, column, key, index and constraint names, same nullability and defaults.
 * drizzle-kit generates the PostgreSQL migrations (src/db/migrations-postgres) from these.
 *
 * Types: `postgresTables` is typed as the SQLite tables. The repositories are written once, against the SQLite types,
 * and run against a PostgreSQL drizzle handle given that same type: at run time the query builder only reads the
 * tables' names and columns (with each column's own encoding: json, boolean, bigint), which are the PostgreSQL ones
 * here. What the types would not catch — a SQLite-only method such as `.get()` — the repositories do not use.
 */

type AnyPgTable = PgTableWithColumns<any>;

/**
 * Every integer column, with the PostgreSQL width its values need. integer is 32 bits (up to 2^31-1); a column whose
 * values can grow past that over the service's life is bigint (read as a JS number: exact up to 2^53).
 * A new integer column must be added here: deriving the tables fails until it is.
 */
const integerWidths: Record<string, 'integer' | 'bigint'> = {
  // Per assessment case: a few dozen events.
  'assessment_events.seq': 'integer',
  // Bounded by the API: at most 200,000 hours, 512 KiB per evidence file.
  'assessment_evidence.hours': 'integer',
  'assessment_evidence.file_size': 'integer',
  // The order of evidence within a case (0006 set it from SQLite's rowid for older rows: a row count).
  'assessment_evidence.position': 'integer',
  // One entry per audited action of an organisation, for as long as it exists: an unbounded counter.
  'audit_entries.seq': 'bigint',
  // Versions of one achievement definition.
  'training_achievements.version': 'integer',
  'training_batches.achievement_version': 'integer',
  'training_credential_achievements.achievement_version': 'integer',
  // At most 20,000 rows per batch; a line number is bounded by the upload size (at most 1 GiB < 2^31 bytes).
  'training_batches.total_rows': 'integer',
  'training_batch_rows.line': 'integer',
  // The order of a few credentials in one share link.
  'share_link_credentials.position': 'integer',
  // Every view of every share page, never reused: an unbounded counter.
  'share_views.id': 'bigint',
  // k of a statistics release: 5 to a few hundred.
  'statistics_releases.k': 'integer',
  // A list has 131,072 entries: sizes and indexes stay far below 2^31.
  'status_lists.size': 'integer',
  'status_lists.allocated': 'integer',
  'status_entries.status_index': 'integer',
  // Bumped on every status change of the list (a suspension can be set and cleared any number of times).
  'status_lists.version': 'bigint',
  // Bumped on each key rotation of an organisation: a few per year.
  'organisations.keys_version': 'integer',
  // Failed attempts within one window.
  'attempt_counters.points': 'integer',
};

/** SQLite blob (buffer mode): PostgreSQL bytea, which node-postgres reads as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * SQLite integer in timestamp mode: milliseconds (timestamp_ms) or seconds (timestamp) since the epoch, read as a
 * Date. Kept as the same number in a bigint, so the two databases hold the same values and a copy moves them as they are.
 */
const epochTimestamp = (unitMs: number) => customType<{ data: Date; driverData: string | number }>({
  dataType: () => 'bigint',
  toDriver: (date) => Math.floor(date.getTime() / unitMs),
  fromDriver: (value) => new Date(Number(value) * unitMs),
});
const epochMilliseconds = epochTimestamp(1);
const epochSeconds = epochTimestamp(1000);

const qualified = (column: SQLiteColumn) => `${getTableConfig(column.table).name}.${column.name}`;

function unmappable(column: SQLiteColumn, what: string): Error {
  return new Error(`${qualified(column)}: ${what} has no PostgreSQL mapping in src/db/postgres/tables.ts; add one there`);
}

const usedIntegerWidths = new Set<string>();

/** The PostgreSQL type of a SQLite column. */
function pgType(column: SQLiteColumn): PgColumnBuilderBase {
  const name = column.name;
  switch (column.columnType) {
    case 'SQLiteText':
      if ((column as { length?: number }).length !== undefined) throw unmappable(column, 'a text length');
      return text(name);
    // json, not jsonb: jsonb reorders object keys and drops duplicates, and stored documents must read back as written.
    case 'SQLiteTextJson':
      return json(name);
    case 'SQLiteBoolean':
      return boolean(name);
    case 'SQLiteTimestamp':
      return (column as { mode?: string }).mode === 'timestamp_ms' ? epochMilliseconds(name) : epochSeconds(name);
    case 'SQLiteBlobBuffer':
      return bytea(name);
    case 'SQLiteInteger': {
      const width = integerWidths[qualified(column)];
      if (width === undefined) throw unmappable(column, 'an integer column without a width decision (integerWidths)');
      usedIntegerWidths.add(qualified(column));
      const builder = width === 'bigint' ? bigint(name, { mode: 'number' }) : integer(name);
      // AUTOINCREMENT never reuses an id; neither does an identity column.
      return (column as { autoIncrement?: boolean }).autoIncrement === true ? builder.generatedByDefaultAsIdentity() : builder;
    }
    default:
      throw unmappable(column, `the column type ${column.columnType}`);
  }
}

/**
 * The builder methods every column type has. Their value types differ per type; the values passed here come from the
 * SQLite column of the same meaning, so they are typed loosely.
 */
interface CommonBuilder {
  notNull(): CommonBuilder;
  primaryKey(): CommonBuilder;
  unique(name?: string): CommonBuilder;
  default(value: unknown): CommonBuilder;
  $defaultFn(fn: () => unknown): CommonBuilder;
  $onUpdateFn(fn: () => unknown): CommonBuilder;
}

/** The PostgreSQL column of the same name, type mapping, nullability, key, uniqueness and default. */
function pgColumn(column: SQLiteColumn): PgColumnBuilderBase {
  if (column.generated) throw unmappable(column, 'a generated column');
  let builder = pgType(column) as unknown as CommonBuilder;
  if (column.notNull) builder = builder.notNull();
  if (column.primary) builder = builder.primaryKey();
  if (column.isUnique) builder = builder.unique(column.uniqueName);
  // A SQL default is copied as written: it must mean the same in both dialects (the migration test runs it).
  if (column.default !== undefined) builder = builder.default(column.default);
  if (column.defaultFn) builder = builder.$defaultFn(column.defaultFn);
  if (column.onUpdateFn) builder = builder.$onUpdateFn(column.onUpdateFn);
  return builder as unknown as PgColumnBuilderBase;
}

const derived = new Map<SQLiteTable, AnyPgTable>();

/** The key of a SQLite column in its table's columns (the derived table uses the same keys). */
function keyOf(column: SQLiteColumn | SQL): string {
  if (is(column, SQL)) throw new Error('an index on an expression has no PostgreSQL mapping in src/db/postgres/tables.ts');
  const key = Object.entries(getTableColumns(column.table)).find(([, candidate]) => candidate === column)?.[0];
  if (key === undefined) throw new Error(`${qualified(column)} is not a column of its table`);
  return key;
}

/** The derived PostgreSQL column standing for a SQLite column of another table (what a foreign key points to). */
function counterpart(column: SQLiteColumn): PgColumn {
  const found = derived.get(column.table)?.[keyOf(column)] as PgColumn | undefined;
  if (!found) throw new Error(`${qualified(column)} has no derived PostgreSQL column`);
  return found;
}

const atLeastOne = <T>(items: T[]): [T, ...T[]] => {
  if (items.length === 0) throw new Error('a key or index without columns');
  return items as [T, ...T[]];
};

function derive(table: SQLiteTable): AnyPgTable {
  const config = getTableConfig(table);
  if (config.checks.length > 0) throw new Error(`${config.name}: check constraints have no PostgreSQL mapping in src/db/postgres/tables.ts`);
  const columns = Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, pgColumn(column)]));
  // Keys, indexes and foreign keys are built when drizzle asks for them (drizzle-kit, getTableConfig): by then every
  // table is derived, so a foreign key finds the table it points to whatever the order. drizzle hands the table's own
  // columns to this callback in the form keys and indexes need (`own`).
  return pgTable(config.name, columns, (own) => {
    const ownColumns = (of: Array<SQLiteColumn | SQL>) => atLeastOne(of.map((column) => {
      const found = own[keyOf(column)];
      if (!found) throw new Error(`${config.name}: a key or index names a column of another table`);
      return found;
    }));
    return [
      ...config.primaryKeys.map((key) => primaryKey({ name: key.getName(), columns: ownColumns(key.columns) })),
      ...config.uniqueConstraints.map((constraint) => unique(constraint.name).on(...ownColumns(constraint.columns))),
      ...config.indexes.map(({ config: indexConfig }) => {
        if (indexConfig.where) throw new Error(`${config.name}: the partial index ${indexConfig.name} has no PostgreSQL mapping`);
        return (indexConfig.unique ? uniqueIndex : index)(indexConfig.name).on(...ownColumns(indexConfig.columns));
      }),
      ...config.foreignKeys.map((key) => {
        const reference = key.reference();
        let builder = foreignKey({
          name: key.getName(),
          columns: ownColumns(reference.columns),
          foreignColumns: atLeastOne(reference.foreignColumns.map(counterpart)),
        });
        if (key.onDelete) builder = builder.onDelete(key.onDelete);
        if (key.onUpdate) builder = builder.onUpdate(key.onUpdate);
        return builder;
      }),
    ];
  });
}

const derivedTables = Object.fromEntries(Object.entries(sqliteTables).map(([key, table]) => {
  const pg = derive(table);
  derived.set(table, pg);
  return [key, pg];
}));

const staleWidths = Object.keys(integerWidths).filter((column) => !usedIntegerWidths.has(column));
if (staleWidths.length > 0) throw new Error(`integerWidths in src/db/postgres/tables.ts names columns that are not integer columns: ${staleWidths.join(', ')}`);

/** Every table, for PostgreSQL: the same keys as `sqliteTables`, typed as them (see above). */
export const postgresTables = derivedTables as unknown as typeof sqliteTables;
