import t from 'tap';
import { memoryFailureCounter, ProgressiveDelay, SourceBudget } from '../../src/wallet/attemptLimiter.js';
import { TestClock } from '../helpers/app.js';

const WINDOW = 15 * 60_000;

t.test('a source over its budget is refused until its window ends, on the service clock', async (t) => {
  const clock = new TestClock(new Date(Date.UTC(2026, 0, 1, 10, 5)));
  const limit = { maxFailures: 3, windowMs: WINDOW };
  const budget = new SourceBudget(memoryFailureCounter(limit), limit, clock.now);
  for (let i = 0; i < 3; i++) t.equal(await budget.recordFailure('192.0.2.1'), undefined, `failure ${i + 1} is within budget`);
  const refused = await budget.recordFailure('192.0.2.1');
  t.match(refused, { code: 'too-many-attempts', status: 429, extra: { retryAfterSeconds: 600 } }, 'until 10:15');
  t.equal(await budget.recordFailure('192.0.2.2'), undefined, 'another source has its own budget');
  clock.advance(10 * 60_000);
  t.equal(await budget.recordFailure('192.0.2.1'), undefined, 'the next window starts afresh');
});

t.test('passphrase waits double from the sixth failure, stop at the maximum and end with a success', async (t) => {
  const clock = new TestClock(new Date(Date.UTC(2026, 0, 1, 8)));
  const limit = { freeFailures: 2, maxDelayMs: 4_000, windowMs: 86_400_000 };
  const delay = new ProgressiveDelay(memoryFailureCounter(limit), limit, clock.now);
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
