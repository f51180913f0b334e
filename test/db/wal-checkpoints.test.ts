import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/client.js';
import { BACKSTOP_CHECKPOINT_PAGES, startWalCheckpoints } from '../../src/db/walCheckpoints.js';

/** A database file as a cluster worker opens it, and enough writes to pass SQLite's usual 1,000-page checkpoint. */
function workerDatabase(t: { teardown(fn: () => unknown): void }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-wal-'));
  const file = path.join(root, 'passerelle.db');
  const database = openDatabase(file, { checkpointedElsewhere: true });
  t.teardown(() => {
    database.sqlite.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  database.sqlite.exec('create table filler (id integer primary key, text text)');
  const insert = database.sqlite.prepare('insert into filler (text) values (?)');
  // 1,500 rows of 3,500 bytes: about 1,500 pages of the log, one transaction each as batch commits are.
  for (let i = 0; i < 1500; i++) insert.run('x'.repeat(3500));
  return { file, database };
}

const pagesInFile = (file: string) => fs.statSync(file).size / 4096;

t.test('a worker\'s connection leaves the checkpoints to another process, up to the backstop', async (t) => {
  const { file, database } = workerDatabase(t);
  t.equal(database.sqlite.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_CHECKPOINT_PAGES, 'backstop');
  t.ok(pagesInFile(file) < 100, 'the rows are still only in the log');
});

t.test('the primary\'s checkpoints copy the log into the database file', async (t) => {
  const { file } = workerDatabase(t);
  const errors: unknown[] = [];
  const checkpoints = startWalCheckpoints(file, (error) => errors.push(error), 10);
  t.teardown(() => checkpoints.stop());
  const deadline = Date.now() + 10_000;
  while (pagesInFile(file) < 1500 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(pagesInFile(file) >= 1500, 'rows copied into the database file');
  t.same(errors, [], 'no checkpoint failed');
});

t.test('a connection of its own process checkpoints as SQLite usually does', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-wal-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const database = openDatabase(path.join(root, 'passerelle.db'));
  t.teardown(() => database.sqlite.close());
  t.equal(database.sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000, 'SQLite\'s default');
});
