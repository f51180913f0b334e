/**
 * The own members of the built-ins that prototype pollution reaches, and what changed in them since a snapshot.
 * Used by the HTTP guard (src/http/prototypeGuard.ts) and by the verification workers (src/credentials/verifyWorker.ts).
 */
const GUARDED: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype], ['Object', Object], ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype], ['String.prototype', String.prototype],
];

type Snapshot = Array<Map<string | symbol, unknown>>;

function membersOf(target: object): Map<string | symbol, unknown> {
  const members = new Map<string | symbol, unknown>();
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key)!;
    members.set(key, 'value' in descriptor ? descriptor.value : descriptor.get);
  }
  return members;
}

export const snapshotBuiltins = (): Snapshot => GUARDED.map(([, target]) => membersOf(target));

/** What changed since the snapshot, e.g. `Object.prototype["@id"] added`; empty when nothing did. */
export function builtinChanges(snapshot: Snapshot): string[] {
  const changes: string[] = [];
  GUARDED.forEach(([name, target], index) => {
    const before = snapshot[index]!;
    const now = membersOf(target);
    for (const [key, value] of now) {
      if (!before.has(key)) changes.push(`${name}[${String(key)}] added`);
      else if (before.get(key) !== value) changes.push(`${name}[${String(key)}] replaced`);
    }
    for (const key of before.keys()) if (!now.has(key)) changes.push(`${name}[${String(key)}] removed`);
  });
  return changes;
}

