import BetterSqlite3 from 'better-sqlite3';
import t from 'tap';
import { sqliteFileOf } from '../../src/db/client.js';
import { BatchRunner } from '../../src/training/batchRunner.js';
import { issueDepsActingAs } from '../../src/audit/actingAs.js';
import type { StatusListService } from '../../src/credentials/statusLists.js';
import type { Database } from '../../src/db/database.js';
import { BASE_URL, testDatabaseEngine } from '../helpers/app.js';
import { queuedBatch } from '../helpers/batches.js';

/**
 * Another process (here: a second connection to the file) holds SQLite's write lock when the runner comes to write its
 * first lease of 16 rows. While that write waits, the runner signs its next lease.
 */
t.test('a batch runner signs its next rows while its write waits for another process\'s lock', { skip: testDatabaseEngine === 'postgres' ? 'SQLite\'s write lock' : false }, async (t) => {
  const ROWS = 48;
  const { config, services, batch } = await queuedBatch(t, ROWS);
  const otherProcess = new BetterSqlite3(sqliteFileOf(config));
  t.teardown(() => otherProcess.close());
  const { repos, now } = services;

  // Every row signed reserves its status indexes once.
  let rowsSigned = 0;
  const statusLists: StatusListService = Object.create(services.statusLists);
  statusLists.reserve = async (...args) => {
    rowsSigned++;
    return services.statusLists.reserve(...args);
  };
  // The runner's first write finds the lock taken; the other process lets it go a second later.
  let signedWhileLocked: number | undefined;
  let writes = 0;
  const database: Pick<Database, 'transaction'> = {
    transaction: (work) => {
      if (writes++ === 0) {
        otherProcess.exec('BEGIN IMMEDIATE');
        setTimeout(() => {
          signedWhileLocked = rowsSigned;
          otherProcess.exec('COMMIT');
        }, 1000);
      }
      return services.database.transaction(work);
    },
  };
  const errors: unknown[] = [];
  const runner = new BatchRunner({
    database, batches: repos.batches, achievements: repos.achievements, organisations: repos.organisations,
    issueDepsFor: () => ({ ...issueDepsActingAs(services, null), statusLists }), baseUrl: BASE_URL, now,
    onError: (error) => errors.push(error),
  });
  runner.start();
  await runner.idle();
  await runner.stop();

  t.same(errors, [], 'no error');
  t.equal(signedWhileLocked, 32, 'the first lease and the next one signed before the first was written');
  t.same(await repos.batches.counts(batch.id), { total: ROWS, pending: 0, issued: ROWS, skipped: 0, failed: 0 }, 'every row issued');
});
