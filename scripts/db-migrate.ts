/**
 * npm run db:migrate: applies the committed migrations, for operators who migrate before rolling out a new version
 * (the service also applies them when it starts). PostgreSQL when PASSERELLE_DATABASE_URL is set (under the same
 * advisory lock as start-up, so running it beside starting instances is safe), otherwise the SQLite database in
 * PASSERELLE_DATA_DIR. Prints the migrations it applied; exits 1 with the reason when the database cannot be reached.
 */
import fs from 'node:fs';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase, sqliteFileOf, sqliteMigrationsFolder } from '../src/db/client.js';
import { openPostgres, postgresMigrationsFolder } from '../src/db/postgres/connect.js';
import { committedMigrations, MIGRATIONS_TABLE } from '../src/db/migrationJournal.js';

/** drizzle records each applied migration with its journal entry's `when` as created_at. */
function migrationTags(folder: string): Map<number, string> {
  return new Map(committedMigrations(folder).map((migration) => [migration.when, migration.tag]));
}

const migrations = (count: number) => `${count} migration${count === 1 ? '' : 's'}`;

function report(where: string, folder: string, before: number[], after: number[]): void {
  const tags = migrationTags(folder);
  const applied = after.filter((when) => !before.includes(when)).sort((a, b) => a - b);
  if (applied.length === 0) {
    console.log(`${where}: up to date (${migrations(after.length)} applied earlier), nothing to do`);
    return;
  }
  console.log(`${where}: applied ${migrations(applied.length)}:`);
  for (const when of applied) console.log(`  ${tags.get(when) ?? `unknown migration of ${new Date(when).toISOString()}`}`);
}

/** The URL without its password, to name the server in messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(PASSERELLE_DATABASE_URL is not a URL)';
  }
}

async function postgresAppliedTimes(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    // openPostgres without a schema keeps drizzle's bookkeeping in the `drizzle` schema.
    const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('drizzle.${MIGRATIONS_TABLE}') IS NOT NULL AS exists`);
    if (!rows[0]?.exists) return [];
    const applied = await client.query<{ created_at: string }>(`SELECT created_at FROM drizzle.${MIGRATIONS_TABLE}`);
    return applied.rows.map((row) => Number(row.created_at));
  } finally {
    await client.end();
  }
}

async function migratePostgres(url: string): Promise<void> {
  const where = `PostgreSQL ${shown(url)}`;
  let before: number[];
  try {
    before = await postgresAppliedTimes(url);
  } catch (error) {
    throw new Error(`cannot reach ${where}: ${(error as Error).message}. Check PASSERELLE_DATABASE_URL and that the server is running`);
  }
  const connection = await openPostgres(url, { poolSize: 1 });
  await connection.close();
  report(where, postgresMigrationsFolder, before, await postgresAppliedTimes(url));
}

function sqliteAppliedTimes(file: string): number[] {
  if (!fs.existsSync(file)) return [];
  const sqlite = new Sqlite(file, { readonly: true });
  try {
    const table = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
    if (!table) return [];
    return (sqlite.prepare(`SELECT created_at FROM ${MIGRATIONS_TABLE}`).all() as Array<{ created_at: number }>).map((row) => Number(row.created_at));
  } finally {
    sqlite.close();
  }
}

function migrateSqlite(file: string): void {
  const before = sqliteAppliedTimes(file);
  // Opening the database applies its migrations.
  openDatabase(file).sqlite.close();
  report(`SQLite ${file}`, sqliteMigrationsFolder, before, sqliteAppliedTimes(file));
}

try {
  const url = process.env.PASSERELLE_DATABASE_URL;
  if (url) await migratePostgres(url);
  else migrateSqlite(sqliteFileOf(loadConfig()));
} catch (error) {
  console.error(`db:migrate failed: ${error instanceof ConfigError ? error.message : (error as Error).message}`);
  process.exitCode = 1;
}
