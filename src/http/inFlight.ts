/**
 * Counts requests in flight per key (an organisation) and refuses one beyond `limit`. In memory per process: with
 * PASSERELLE_WORKERS > 1 each worker has its own count, so an organisation may have limit × workers in flight.
 */
export class InFlightLimit {
  private readonly counts = new Map<string, number>();
  constructor(private readonly limit: number) {}

  /** A release function (idempotent) when a slot is free, undefined when `key` already has `limit` in flight. */
  tryAcquire(key: string): (() => void) | undefined {
    const current = this.counts.get(key) ?? 0;
    if (current >= this.limit) return undefined;
    this.counts.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.counts.get(key) ?? 1) - 1;
      if (remaining === 0) this.counts.delete(key);
      else this.counts.set(key, remaining);
    };
  }
}
