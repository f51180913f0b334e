import t from 'tap';
import { buildTestApp, sqlRun } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';
import { sqliteMigrationsFolder } from '../../src/db/client.js';
import { postgresMigrationsFolder } from '../../src/db/postgres/connect.js';
import { committedMigrations, MIGRATIONS_TABLE } from '../../src/db/migrationJournal.js';

t.test('live and ready answer 200 on a migrated database', async (t) => {
  const { app } = await buildTestApp(t);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.same([live.statusCode, live.json()], [200, { status: 'ok' }]);
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.same([ready.statusCode, ready.json()], [200, { status: 'ready' }]);
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, '/health unchanged');
});

t.test('ready: 503 migrations-pending naming a committed migration the database has not applied', async (t) => {
  const { app, services } = await buildTestApp(t);
  const folder = services.database.dialect === 'sqlite' ? sqliteMigrationsFolder : postgresMigrationsFolder;
  const newest = committedMigrations(folder).at(-1)!;
  // As a database migrated by the previous version looks to this one.
  await sqlRun(services, `DELETE FROM ${MIGRATIONS_TABLE} WHERE created_at = ?`, newest.when);
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.same(problemOf(ready), { status: 503, code: 'migrations-pending' });
  t.same(ready.json().pending, [newest.tag]);
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'still live');
});

t.test('ready: 503 database-unreachable once the database is gone; live still answers', async (t) => {
  const { app, services } = await buildTestApp(t);
  await services.database.close();
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.same(problemOf(ready), { status: 503, code: 'database-unreachable' });
  t.notMatch(ready.json().detail, /127\.0\.0\.1|postgres|sqlite/i, 'no driver detail');
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'live');
});
