import { once } from 'node:events';
import t from 'tap';
import pg from 'pg';
import { dropSchema, openPostgres } from '../../src/db/postgres/connect.js';
import { postgresSkipReason, testPostgresUrl, uniqueSchema } from '../helpers/postgres.js';

const skip = await postgresSkipReason();

t.test('every pooled connection works in the given schema', { skip }, async (t) => {
  const schema = uniqueSchema('path');
  const connection = await openPostgres(testPostgresUrl, { schema, poolSize: 3 });
  t.teardown(async () => {
    await connection.close();
    await dropSchema(testPostgresUrl, schema);
  });
  // Held together, the three queries take the pool's three connections.
  const clients = await Promise.all([0, 1, 2].map(() => connection.pool.connect()));
  const schemas = await Promise.all(clients.map(async (client) => (await client.query('SELECT current_schema() AS s')).rows[0].s));
  for (const client of clients) client.release();
  t.same(schemas, [schema, schema, schema], 'search_path');
  t.equal(connection.pool.totalCount, 3, 'pool size');
});

t.test('an idle connection closed by the server gives a warning, not a crash, and the pool carries on', { skip }, async (t) => {
  const schema = uniqueSchema('idle');
  const connection = await openPostgres(testPostgresUrl, { schema, poolSize: 1 });
  t.teardown(async () => {
    await connection.close();
    await dropSchema(testPostgresUrl, schema);
  });
  const { rows: [idle] } = await connection.pool.query('SELECT pg_backend_pid() AS pid');
  const warned = once(process, 'warning');
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend($1)', [idle.pid]);
  await admin.end();
  const [warning] = await warned as [NodeJS.ErrnoException];
  t.equal(warning.code, 'PASSERELLE_POSTGRES_IDLE', 'warning code');
  const { rows: [next] } = await connection.pool.query('SELECT pg_backend_pid() AS pid, current_schema() AS s');
  t.not(next.pid, idle.pid, 'a new connection');
  t.equal(next.s, schema, 'in the schema');
});
