import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDatabase, type SqliteDatabase } from '../../src/db/client.js';

/** Two connections to one file, as two processes (PASSERELLE_WORKERS=2) have. */
function twoConnections(t: { teardown(fn: () => unknown): void }): [SqliteDatabase, SqliteDatabase] {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-lock-'));
  const file = path.join(root, 'passerelle.db');
  const connections: [SqliteDatabase, SqliteDatabase] = [openDatabase(file), openDatabase(file)];
  t.teardown(() => {
    for (const connection of connections) connection.sqlite.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  return connections;
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => { done = true; }, () => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

t.test('a transaction waiting for another connection\'s write lock leaves the event loop free, then runs', async (t) => {
  const [holder, waiter] = twoConnections(t);
  let release!: () => void;
  const held = holder.transaction(() => new Promise<void>((resolve) => { release = resolve; }));
  await new Promise((resolve) => setImmediate(resolve));
  const waiting = waiter.transaction(async () => (waiter.sqlite.prepare('select 1 as one').get() as { one: number }).one);

  let ticks = 0;
  const ticker = setInterval(() => { ticks += 1; }, 5);
  await new Promise((resolve) => setTimeout(resolve, 200));
  clearInterval(ticker);
  t.ok(ticks >= 10, `timers ran while it waited (${ticks} ticks of 5 ms in 200 ms)`);
  t.notOk(await settled(waiting), 'it waits while the lock is held');

  release();
  await held;
  t.equal(await waiting, 1, 'it runs once the lock is released');
});

t.test('a transaction that cannot take the write lock within the busy timeout fails as SQLITE_BUSY', async (t) => {
  const [holder, waiter] = twoConnections(t);
  let release!: () => void;
  const held = holder.transaction(() => new Promise<void>((resolve) => { release = resolve; }));
  await new Promise((resolve) => setImmediate(resolve));
  const started = performance.now();
  const error = await waiter.transaction(async () => 'ran').catch((e: unknown) => e);
  const waited = performance.now() - started;
  release();
  await held;
  t.match(error, { code: 'SQLITE_BUSY' });
  t.ok(waited >= 5000 && waited < 7000, `after the busy timeout (${waited.toFixed(0)} ms)`);
  t.equal(await waiter.transaction(async () => 'ran'), 'ran', 'the connection takes the lock afterwards');
});
