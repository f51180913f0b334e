import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';

/**
 * Where failures are counted: a rate-limiter-flexible limiter. The service's counts are in the database
 * (src/db/attemptCounters.ts), so that every process and instance adds to the same ones.
 *
 * The windows are fixed and taken from the service's clock (the key names the window), not from the store's: the
 * injectable clock decides every rule, and the store's own expiry (a window's length) only forgets past windows.
 */
export type FailureCounter = Pick<RateLimiterAbstract, 'penalty' | 'get' | 'set' | 'delete'>;

/** A counter named `name` (its keys apart from other counters') that keeps a key at least one window. */
export type FailureCounterFactory = (name: string, limit: { windowMs: number }) => FailureCounter;

const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError('too-many-attempts', 429, `Too many failed attempts; try again in ${retryAfterSeconds < 120 ? `${retryAfterSeconds} second(s)` : `${Math.ceil(retryAfterSeconds / 60)} minute(s)`}`, { retryAfterSeconds });

const secondsUntil = (atMs: number, nowMs: number) => Math.max(1, Math.ceil((atMs - nowMs) / 1000));

/** The window `nowMs` falls in: its key suffix and its start. */
function windowOf(nowMs: number, windowMs: number): { id: number; startMs: number } {
  const id = Math.floor(nowMs / windowMs);
  return { id, startMs: id * windowMs };
}

export interface SourceBudgetLimit {
  /** Failures one client address may make within a window before its further failures are answered 429. */
  maxFailures: number;
  windowMs: number;
}

/**
 * Failures per client address (unknown claim codes, wallet links, share links; wrong passphrases). Only failures are
 * limited: the caller checks the secret first, so a valid one is always served whatever the address did before, and
 * a client over budget gets 429 instead of 404/401 for its failed attempts only. Secrets are 256-bit, so guessing is
 * hopeless anyway: this stops hammering and keeps the logs quiet.
 */
export class SourceBudget {
  constructor(private readonly counter: FailureCounter, private readonly limit: SourceBudgetLimit, private readonly now: () => Date) {}

  /** Counts a failure by `source`; the 429 to answer instead of the failure when the source is over its budget. */
  async recordFailure(source: string): Promise<AppError | undefined> {
    const now = this.now().getTime();
    const window = windowOf(now, this.limit.windowMs);
    // Failures beyond the budget count too (penalty never refuses): a client that keeps guessing stays refused.
    const counted = await this.counter.penalty(`${source}@${window.id}`, 1);
    if (counted.consumedPoints <= this.limit.maxFailures) return undefined;
    return tooManyAttempts(secondsUntil(window.startMs + this.limit.windowMs, now));
  }
}

export interface ProgressiveDelayLimit {
  /** Failures in a row allowed without any wait. */
  freeFailures: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** Failures are forgotten when this window (counted from the epoch on the service's clock) ends. */
  windowMs: number;
}

/**
 * Failures per target (a wallet's passphrase): after `freeFailures` wrong attempts, the next one may come only
 * 2^(n - freeFailures) seconds after the last (n failures so far), up to `maxDelayMs`. Never a lock-out: the right
 * passphrase works as soon as the wait is over, and a success clears the count. The count is the counter's consumed
 * points; the last failure is kept beside it (as milliseconds into the window, which fits any store's integer).
 */
export class ProgressiveDelay {
  constructor(private readonly counter: FailureCounter, private readonly limit: ProgressiveDelayLimit, private readonly now: () => Date) {}

  private keys(target: string, nowMs: number) {
    const window = windowOf(nowMs, this.limit.windowMs);
    const failures = `${target}@${window.id}`;
    return { window, failures, last: `${failures}:last` };
  }

  /** Throws 429 `too-many-attempts` (with retryAfterSeconds) while the target's wait is not over. */
  async assertReady(target: string): Promise<void> {
    const now = this.now().getTime();
    const { window, failures, last } = this.keys(target, now);
    const failed = (await this.counter.get(failures))?.consumedPoints ?? 0;
    if (failed < this.limit.freeFailures) return;
    const lastAtMs = window.startMs + ((await this.counter.get(last))?.consumedPoints ?? 0);
    const readyAt = lastAtMs + Math.min(2 ** (failed - this.limit.freeFailures) * 1000, this.limit.maxDelayMs);
    if (now < readyAt) throw tooManyAttempts(secondsUntil(readyAt, now));
  }

  async recordFailure(target: string): Promise<void> {
    const now = this.now().getTime();
    const { window, failures, last } = this.keys(target, now);
    await this.counter.penalty(failures, 1);
    await this.counter.set(last, now - window.startMs, Math.ceil(this.limit.windowMs / 1000));
  }

  async recordSuccess(target: string): Promise<void> {
    const { failures, last } = this.keys(target, this.now().getTime());
    await Promise.all([this.counter.delete(failures), this.counter.delete(last)]);
  }
}

