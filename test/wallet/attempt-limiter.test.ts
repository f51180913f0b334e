import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ProgressiveDelay, SourceBudget } from '../../src/wallet/attemptLimiter.js';
import { databaseAttemptCounter, deleteExpiredAttemptCounters, sweepExpiredAttemptCounters } from '../../src/db/attemptCounters.js';
import { openDatabase } from '../../src/db/client.js';
import type { Database } from '../../src/db/database.js';
import { openSharedTestDatabases, testDatabaseEngine, TestClock } from '../helpers/app.js';

type Test = { teardown(fn: () => unknown): void };

/** `count` handles on one database of the test engine, as separate instances have them. */
async function sharedDatabases(t: Test, count: number): Promise<Database[]> {
  let databases: Database[];
  if (testDatabaseEngine === 'postgres') {
    databases = (await openSharedTestDatabases(t, count)) as Database[];
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-attempts-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    databases = Array.from({ length: count }, () => openDatabase(path.join(dir, 'passerelle.db')));
  }
  t.teardown(async () => { for (const database of databases) await database.close(); });
  return databases;
}

async function counterOn(t: Test, limit: { windowMs: number }) {
  const [database] = await sharedDatabases(t, 1);
  return databaseAttemptCounter(database!, 'failures', limit.windowMs);
}

const WINDOW = 15 * 60_000;

t.test('a source over its budget is refused until its window ends, on the service clock', async (t) => {
  const clock = new TestClock(new Date(Date.UTC(2026, 0, 1, 10, 5)));
  const limit = { maxFailures: 3, windowMs: WINDOW };
  const budget = new SourceBudget(await counterOn(t, limit), limit, clock.now);
  for (let i = 0; i < 3; i++) t.equal(await budget.recordFailure('192.0.2.1'), undefined, `failure ${i + 1} is within budget`);
  const refused = await budget.recordFailure('192.0.2.1');
  t.match(refused, { code: 'too-many-attempts', status: 429, extra: { retryAfterSeconds: 600 } }, 'until 10:15');
  t.equal(refused?.detail, 'Too many failed attempts; try again in 10 minute(s)', 'the wait in minutes');
  t.equal(await budget.recordFailure('192.0.2.2'), undefined, 'another source has its own budget');
  const waitAt = async (time: string) => {
    clock.advance(Date.parse(`2026-01-01T${time}Z`) - clock.now().getTime());
    return (await budget.recordFailure('192.0.2.1'))?.detail;
  };
  t.equal(await waitAt('10:13:00'), 'Too many failed attempts; try again in 2 minute(s)', 'two minutes left');
  t.equal(await waitAt('10:13:00.500'), 'Too many failed attempts; try again in 2 minute(s)', '119.5 s left: two minutes');
  t.equal(await waitAt('10:13:01'), 'Too many failed attempts; try again in 119 second(s)', 'under two minutes: in seconds');
  t.equal(await waitAt('10:14:59.999'), 'Too many failed attempts; try again in 1 second(s)', 'a moment left: one second');
  t.equal(await waitAt('10:15:00'), undefined, 'the next window starts afresh');
});

t.test('passphrase waits double from the sixth failure, stop at the maximum and end with a success', async (t) => {
  const clock = new TestClock(new Date(Date.UTC(2026, 0, 1, 8)));
  const limit = { freeFailures: 2, maxDelayMs: 4_000, windowMs: 86_400_000 };
  const delay = new ProgressiveDelay(await counterOn(t, limit), limit, clock.now);
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    try {
      await delay.assertReady('w');
    } catch (error) {
      const seconds = (error as { extra: { retryAfterSeconds: number } }).extra.retryAfterSeconds;
      waits.push(seconds);
      clock.advance(seconds * 1000);
    }
    await delay.recordFailure('w');
  }
  t.same(waits, [1, 2, 4, 4], 'free, free, then 1, 2, 4 s, capped at 4');
  await t.rejects(delay.assertReady('w'), { code: 'too-many-attempts' });
  await delay.recordSuccess('w');
  await t.resolves(delay.assertReady('w'), 'a success clears the count');
  for (let i = 0; i < 2; i++) await delay.recordFailure('w');
  await t.rejects(delay.assertReady('w'));
  clock.advance(86_400_000);
  await t.resolves(delay.assertReady('w'), 'failures are forgotten in the next day');
});

t.test('failures counted through several instances at once add up in the database, none lost', async (t) => {
  const clock = new TestClock(new Date(Date.UTC(2026, 0, 1, 10, 5)));
  const limit = { maxFailures: 24, windowMs: WINDOW };
  const budgets = (await sharedDatabases(t, 3)).map((database) => new SourceBudget(databaseAttemptCounter(database, 'failures', WINDOW), limit, clock.now));
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => budgets[i % 3]!.recordFailure('192.0.2.1')));
  t.equal(answers.filter((answer) => answer === undefined).length, 24, 'exactly the budget is let through');
  t.equal(answers.filter((answer) => answer?.code === 'too-many-attempts').length, 6, 'the rest refused');
});

t.test('counters with different names keep apart on one database', async (t) => {
  const clock = new TestClock(new Date(Date.UTC(2026, 0, 1, 10, 5)));
  const limit = { maxFailures: 1, windowMs: WINDOW };
  const [database] = await sharedDatabases(t, 1);
  const sources = new SourceBudget(databaseAttemptCounter(database!, 'sources', WINDOW), limit, clock.now);
  const others = new SourceBudget(databaseAttemptCounter(database!, 'others', WINDOW), limit, clock.now);
  t.equal(await sources.recordFailure('x'), undefined);
  t.match(await sources.recordFailure('x'), { code: 'too-many-attempts' }, 'second failure over a budget of 1');
  t.equal(await others.recordFailure('x'), undefined, 'same key, other counter: its own count');
});

t.test('expired counters are swept from the database, and the sweep stops before the database closes', async (t) => {
  const database = await sharedDatabases(t, 1).then((handles) => handles[0]!);
  const counter = databaseAttemptCounter(database, 'failures', 1_000);
  await counter.penalty('expiring');
  t.equal(await deleteExpiredAttemptCounters(database, new Date(Date.now() - 60_000)), 0, 'a live counter is kept');
  t.equal(await deleteExpiredAttemptCounters(database, new Date(Date.now() + 60_000)), 1, 'an expired one is deleted');
  t.equal((await counter.get('expiring'))?.consumedPoints ?? 0, 0, 'and counts from zero again');

  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { warnings.push(args); };
  t.teardown(() => { console.warn = warn; });
  const stop = sweepExpiredAttemptCounters(database, 20);
  await new Promise((resolve) => setTimeout(resolve, 60));
  stop();
  await database.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(warnings, [], 'no sweep runs against the closed database');
});
