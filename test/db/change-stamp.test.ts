/**
 * SQLite's change stamp (SqliteDatabase.changeStamp): what lets verification skip its version reads while nothing was
 * committed. It must change with every committed write, whichever connection made it, and never hide one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/client.js';

function twoConnections(t: { teardown(fn: () => unknown): void }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-stamp-'));
  const file = path.join(root, 'passerelle.db');
  const [here, elsewhere] = [openDatabase(file), openDatabase(file)];
  t.teardown(() => {
    here.sqlite.close();
    elsewhere.sqlite.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  here.sqlite.exec('create table counter (id integer primary key, value integer)');
  here.sqlite.exec('insert into counter values (1, 0)');
  return { here, elsewhere };
}

const bump = 'update counter set value = value + 1';

t.test('the stamp stays while nothing is written, and changes with any commit', async (t) => {
  const { here, elsewhere } = twoConnections(t);
  const start = here.changeStamp();
  t.type(start, 'string', 'SQLite has a stamp');
  await here.query(async () => here.sqlite.prepare('select value from counter').get());
  t.equal(here.changeStamp(), start, 'a read leaves it');
  await here.query(async () => here.sqlite.prepare(bump).run());
  const afterOwnWrite = here.changeStamp();
  t.not(afterOwnWrite, start, 'a write of this connection changes it');
  await here.transaction(async () => { here.sqlite.prepare(bump).run(); });
  const afterOwnTransaction = here.changeStamp();
  t.not(afterOwnTransaction, afterOwnWrite, 'a transaction of this connection changes it');
  elsewhere.sqlite.prepare(bump).run();
  t.not(here.changeStamp(), afterOwnTransaction, 'a commit of another connection (or process) changes it');
});

t.test('no stamp while a transaction is open on the connection', async (t) => {
  const { here } = twoConnections(t);
  await here.transaction(async () => {
    t.equal(here.changeStamp(), undefined, 'inside a transaction: versions are read');
  });
});
