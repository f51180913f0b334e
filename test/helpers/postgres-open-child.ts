/**
 * A process that opens PostgreSQL when its parent says so (test/db/postgres-migrate-lock.test.ts): it reports 'ready'
 * once loaded, waits for 'go', calls openPostgres and reports 'opened' or the error, then exits.
 */
import { openPostgres } from '../../src/db/postgres/connect.js';

const [url, schema] = process.argv.slice(2);
if (!url || !schema || !process.send) throw new Error('usage: fork with IPC, arguments <url> <schema>');
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

process.once('message', async () => {
  try {
    const connection = await openPostgres(url, { schema, poolSize: 1 });
    await connection.close();
    await send({ opened: true });
  } catch (error) {
    await send({ opened: false, error: (error as Error).message });
  }
  process.disconnect();
});
await send('ready');
