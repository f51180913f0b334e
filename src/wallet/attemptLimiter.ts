import { AppError } from '../errors.js';

/**
 * Where failures are counted. In memory per process for now (with PASSERELLE_WORKERS > 1 each process counts its
 * own); a table shared by every instance can implement the same three operations.
 */
export interface FailureStore {
  /** Times (ms since the epoch) of the key's failures at or after `sinceMs`, oldest first. */
  recent(key: string, sinceMs: number): number[];
  record(key: string, atMs: number): void;
  clear(key: string): void;
}

/** Keeps at most this many keys; beyond it, keys with no failure left in the window are dropped. */
const MAX_KEYS = 10_000;

export class MemoryFailureStore implements FailureStore {
  private readonly failures = new Map<string, number[]>();

  /** `windowMs`: failures older than this are never asked for again, so they can be forgotten. */
  constructor(private readonly windowMs: number) {}

  recent(key: string, sinceMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t >= sinceMs);
  }

  record(key: string, atMs: number): void {
    const kept = this.recent(key, atMs - this.windowMs);
    kept.push(atMs);
    this.failures.set(key, kept);
    if (this.failures.size > MAX_KEYS) this.prune(atMs);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private prune(nowMs: number): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key, nowMs - this.windowMs).length === 0) this.failures.delete(key);
    }
  }
}

const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError('too-many-attempts', 429, `Too many failed attempts; try again in ${retryAfterSeconds < 120 ? `${retryAfterSeconds} second(s)` : `${Math.ceil(retryAfterSeconds / 60)} minute(s)`}`, { retryAfterSeconds });

export interface SourceBudgetLimit {
  /** Failures one client address may make within the window before its further failures are answered 429. */
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
  constructor(private readonly store: FailureStore, private readonly limit: SourceBudgetLimit, private readonly now: () => Date) {}

  /** Counts a failure by `source`; the 429 to answer instead of the failure when the source is over its budget. */
  recordFailure(source: string): AppError | undefined {
    const now = this.now().getTime();
    const earlier = this.store.recent(source, now - this.limit.windowMs);
    // Failures beyond the budget count too: a client that keeps guessing stays refused.
    this.store.record(source, now);
    if (earlier.length < this.limit.maxFailures) return undefined;
    // The source may fail again once enough of its failures (this one included) have left the window.
    const all = [...earlier, now];
    return tooManyAttempts(Math.max(1, Math.ceil((all[all.length - this.limit.maxFailures]! + this.limit.windowMs - now) / 1000)));
  }
}

export interface ProgressiveDelayLimit {
  /** Failures in a row allowed without any wait. */
  freeFailures: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

/**
 * Failures per target (a wallet's passphrase): after `freeFailures` wrong attempts, the next one may come only
 * 2^(n - freeFailures) seconds after the last (n failures so far), up to `maxDelayMs`. Never a lock-out: the right
 * passphrase works as soon as the wait is over, and a success clears the count.
 */
export class ProgressiveDelay {
  constructor(private readonly store: FailureStore, private readonly limit: ProgressiveDelayLimit, private readonly now: () => Date) {}

  /** Throws 429 `too-many-attempts` (with retryAfterSeconds) while the target's wait is not over. */
  assertReady(target: string): void {
    const now = this.now().getTime();
    const failures = this.store.recent(target, now - this.limit.windowMs);
    if (failures.length < this.limit.freeFailures) return;
    const delayMs = Math.min(2 ** (failures.length - this.limit.freeFailures) * 1000, this.limit.maxDelayMs);
    const readyAt = failures[failures.length - 1]! + delayMs;
    if (now < readyAt) throw tooManyAttempts(Math.max(1, Math.ceil((readyAt - now) / 1000)));
  }

  recordFailure(target: string): void {
    this.store.record(target, this.now().getTime());
  }

  recordSuccess(target: string): void {
    this.store.clear(target);
  }
}
