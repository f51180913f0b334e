import { AppError } from '../errors.js';

export interface AttemptLimit {
  /** Failed attempts allowed per key within the window. */
  maxFailures: number;
  windowMs: number;
}

/**
 * Counts failed attempts (unknown claim codes, wrong passphrases, unknown links) per key, in memory, over a sliding
 * window. Secrets are 256-bit, so guessing is already hopeless: this stops hammering and keeps the logs quiet.
 * Per process: several processes each allow the limit.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit: AttemptLimit, private readonly now: () => Date) {}

  /** Throws 429 `too-many-attempts` when the key has used up its failures. */
  assertAllowed(key: string): void {
    const recent = this.recent(key);
    if (recent.length >= this.limit.maxFailures) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + this.limit.windowMs - this.now().getTime()) / 1000));
      throw new AppError('too-many-attempts', 429, `Too many failed attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`, { retryAfterSeconds });
    }
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now().getTime());
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  private recent(key: string): number[] {
    const since = this.now().getTime() - this.limit.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key).length === 0) this.failures.delete(key);
    }
  }
}
