import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import t from 'tap';
import pg from 'pg';
import { sqliteTables } from '../../src/db/tables.js';
import { dropSchema, postgresMigrationsFolder } from '../../src/db/postgres/connect.js';
import { MIGRATIONS_TABLE } from '../../src/db/migrationJournal.js';
import { postgresSkipReason, testPostgresUrl, uniqueSchema } from '../helpers/postgres.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'postgres-open-child.ts');
const skip = await postgresSkipReason();

t.test('two processes opening one fresh schema at once both start, and the migrations run once', { skip }, async (t) => {
  const schema = uniqueSchema('lock');
  t.teardown(() => dropSchema(testPostgresUrl, schema));
  const processes: ChildProcess[] = [0, 1].map(() => fork(child, [testPostgresUrl, schema], { execArgv: ['--import', 'tsx'] }));
  t.teardown(() => { for (const p of processes) if (p.exitCode === null) p.kill(); });
  // Both are loaded before either starts, so their openPostgres calls begin together.
  await Promise.all(processes.map((p) => once(p, 'message')));
  const outcomes = processes.map((p) => once(p, 'message').then(([message]) => message));
  for (const p of processes) p.send('go');
  const results = await Promise.all(outcomes);
  t.same(results, [{ opened: true }, { opened: true }], 'both opened');
  const exitCodes = await Promise.all(processes.map(async (p) => (p.exitCode !== null ? p.exitCode : (await once(p, 'exit'))[0] as number | null)));
  t.same(exitCodes, [0, 0], 'both exited cleanly');

  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  t.teardown(() => client.end());
  const journal = JSON.parse(fs.readFileSync(path.join(postgresMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const applied = await client.query(`SELECT hash FROM ${schema}.${MIGRATIONS_TABLE}`);
  t.equal(applied.rowCount, journal.entries.length, 'each migration recorded once');
  const tables = await client.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name <> $2', [schema, MIGRATIONS_TABLE]);
  t.equal(tables.rows[0].n, Object.keys(sqliteTables).length, 'every table created');
});
