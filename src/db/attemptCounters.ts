import { lt } from 'drizzle-orm';
import { RateLimiterDrizzle } from 'rate-limiter-flexible';
import type { Database, Db } from './database.js';

/**
 * Failed attempts counted in the database (table attempt_counters), so that every instance adds to the same counts:
 * rate-limiter-flexible's drizzle store, whose upsert adds points atomically on both engines. Each counter's keys are
 * prefixed with its name. The store's expiry (`windowMs` after a key's first point, on the wall clock) only forgets
 * rows; the callers' keys name their window on the service's clock, which decides every rule.
 */
export function databaseAttemptCounter(database: Database, name: string, windowMs: number): RateLimiterDrizzle {
  return new RateLimiterDrizzle({
    storeClient: queryingClient(database),
    schema: database.tables.attemptCounters,
    keyPrefix: name,
    points: Number.MAX_SAFE_INTEGER,
    duration: Math.ceil(windowMs / 1000),
    // The store's own clean-up timer (one per counter) cannot be stopped: it would outlive a closed database and fail
    // there every five minutes. sweepExpiredAttemptCounters does the same clean-up for all counters and stops.
    clearExpiredByTimeout: false,
  });
}

/** As long after expiry as the store itself keeps a row: a counter read late still finds its last window. */
const KEPT_AFTER_EXPIRY_MS = 60 * 60_000;
const SWEEP_INTERVAL_MS = 5 * 60_000;

/** Deletes the counters that expired before `before`; returns how many. */
export async function deleteExpiredAttemptCounters(database: Database, before: Date): Promise<number> {
  const table = database.tables.attemptCounters;
  const deleted = await database.query((db) => db.delete(table).where(lt(table.expire, before)).returning({ key: table.key }));
  return deleted.length;
}

/**
 * Every five minutes, forgets the counters that expired over an hour ago, until the returned function is called
 * (before the database closes).
 */
export function sweepExpiredAttemptCounters(database: Database, intervalMs = SWEEP_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    deleteExpiredAttemptCounters(database, new Date(Date.now() - KEPT_AFTER_EXPIRY_MS))
      .catch((error: unknown) => console.warn(`Expired attempt counters not deleted: ${(error as Error).message}`));
  }, intervalMs).unref();
  return () => clearInterval(timer);
}

interface Call { method: PropertyKey; args: unknown[] }
type Builder = Record<PropertyKey, (...args: unknown[]) => unknown>;

/**
 * A drizzle client for the store whose statements run through `Database.query`: the store's query chain
 * (`insert(...).values(...)...returning()`) is recorded as it is built, then built again on the database's own handle
 * when the store awaits it. So on SQLite a count takes its turn like any statement rather than running inside another
 * request's open transaction (which would roll it back with that transaction), and on PostgreSQL it runs on the pool.
 */
function queryingClient(database: Database): unknown {
  const chain = (calls: Call[]): unknown => new Proxy({}, {
    get(_target, method) {
      if (method === 'then') {
        return (onFulfilled?: (rows: unknown) => unknown, onRejected?: (error: unknown) => unknown) => database
          .query((db: Db) => calls.reduce<unknown>((builder, call) => (builder as Builder)[call.method]!(...call.args), db) as PromiseLike<unknown>)
          .then(onFulfilled, onRejected);
      }
      return (...args: unknown[]) => chain([...calls, { method, args }]);
    },
  });
  return chain([]);
}
