/**
 * One verification sees one state of the issuers it reads. It resolves the issuer's DID several times (the issuer
 * check, the proof's verification method, its controller): inside `withVerificationSnapshot` each DID is resolved
 * once and the same document answers the others. And the database's change stamp (Database.changeStamp) is taken
 * once, before any read: the kept DID documents and status lists whose versions were read since that stamp, and the
 * issuers' accreditations read since it (trustCheck.ts), are used without reading them again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Snapshot {
  resolved: Map<string, Promise<unknown>>;
  /** Taken at the first read that needs it; `value` undefined when the database has no stamp. */
  stamp?: { value: string | undefined };
}

const storage = new AsyncLocalStorage<Snapshot>();

/** Runs `work` in a snapshot of its own, or in the one it is already in (a presentation's credentials share it). */
export function withVerificationSnapshot<T>(work: () => Promise<T>): Promise<T> {
  return storage.getStore() ? work() : storage.run({ resolved: new Map() }, work);
}

/** `resolve()`'s answer for `key`, once per snapshot (every call outside one resolves). */
export function resolvedOnce<T>(key: string, resolve: () => Promise<T>): Promise<T> {
  const resolved = storage.getStore()?.resolved;
  if (!resolved) return resolve();
  let answer = resolved.get(key) as Promise<T> | undefined;
  if (!answer) {
    answer = resolve();
    resolved.set(key, answer);
  }
  return answer;
}

/** The change stamp for this snapshot, taken once (outside a snapshot, taken now); undefined without `changeStamp`. */
export function snapshotStamp(changeStamp: (() => string | undefined) | undefined): string | undefined {
  if (!changeStamp) return undefined;
  const snapshot = storage.getStore();
  if (!snapshot) return changeStamp();
  snapshot.stamp ??= { value: changeStamp() };
  return snapshot.stamp.value;
}
