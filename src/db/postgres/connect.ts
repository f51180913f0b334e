import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { postgresTables } from './tables.js';
import { MIGRATIONS_TABLE } from '../migrationJournal.js';

// Beside this module's folder, in the source and in the compiled service alike (see sqliteMigrationsFolder).
export const postgresMigrationsFolder = fileURLToPath(new URL('../migrations-postgres', import.meta.url));

/**
 * The key of the session-level advisory lock held while migrations are applied: instances starting together take
 * turns, and each one after the first finds the migrations applied. A constant outside the 32-bit range, so it never
 * meets a lock taken on a 32-bit hash (hashtext) of a name. Advisory locks are per database: instances on different
 * schemas of one database also take turns, which costs only their start-up time.
 */
const MIGRATION_LOCK_KEY = 7_305_126_893_000_001n;

/** Where drizzle keeps its bookkeeping table when no schema is given. */
const DEFAULT_MIGRATIONS_SCHEMA = 'drizzle';

export interface PostgresOptions {
  /**
   * The schema holding the tables (created if missing), set as the search_path of every pooled connection, and holding
   * drizzle's bookkeeping table too. Tests give each file its own, so that files run in parallel on one database.
   */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export interface PostgresConnection {
  db: NodePgDatabase<typeof postgresTables> & { $client: pg.Pool };
  pool: pg.Pool;
  /** The schema of drizzle's bookkeeping table (MIGRATIONS_TABLE): the given schema, else `drizzle`. */
  migrationsSchema: string;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkedSchema(schema: string): string {
  // The name goes into a connection option and into SQL: plain lower-case identifiers only, so it needs no quoting.
  if (!SCHEMA_NAME.test(schema)) throw new Error(`PostgreSQL schema name must match ${SCHEMA_NAME}, got "${schema}"`);
  return schema;
}

/**
 * Connects a pool to PostgreSQL and applies the committed migrations (src/db/migrations-postgres) under an advisory
 * lock, on one connection of the pool kept for that purpose: the lock is that connection's, and it is unlocked
 * (then the connection returned) whether the migrations succeed or not.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresConnection> {
  const schema = options.schema === undefined ? undefined : checkedSchema(options.schema);
  // An unreachable server fails the start-up after this long instead of waiting forever.
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await probe.connect();
  await probe.end();
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // pg-pool applies this timeout to waiting for a free connection too: under a burst, requests queue for the pool
    // (bounded by the HTTP request timeout) rather than fail. A server that goes away refuses connections at once.
    connectionTimeoutMillis: 0,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A pooled connection that breaks while idle (server restart, network cut) is dropped by the pool, which then emits
  // 'error': without a listener that would end the process. The next query opens a new connection.
  pool.on('error', (error) => {
    process.emitWarning(`An idle PostgreSQL connection was closed: ${error.message}`, { code: 'PASSERELLE_POSTGRES_IDLE' });
  });
  try {
    await migrateUnderLock(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = drizzle(pool, { schema: postgresTables });
  return { db, pool, migrationsSchema: schema ?? DEFAULT_MIGRATIONS_SCHEMA, close: () => pool.end() };
}

async function migrateUnderLock(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  // A checked-out connection has no listener of the pool's: an error while it is held rejects the query under way.
  const ignoreReportedByQuery = () => {};
  client.on('error', ignoreReportedByQuery);
  let failure: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await migrate(drizzle(client), {
        migrationsFolder: postgresMigrationsFolder,
        ...(schema ? { migrationsSchema: schema } : {}),
        migrationsTable: MIGRATIONS_TABLE,
      });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    client.removeListener('error', ignoreReportedByQuery);
    // A connection that failed is closed rather than pooled: a session lock, had the unlock failed, goes with it.
    client.release(failure);
  }
}

/** Drops a schema and everything in it (tests' teardown). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${checkedSchema(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
