/**
 * The own members of the built-ins that prototype pollution reaches, and what changed in them since a snapshot.
 * Used by the HTTP guard (src/http/prototypeGuard.ts) and by the verification workers (src/credentials/verifyWorker.ts).
 */
const GUARDED: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype], ['Object', Object], ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype], ['String.prototype', String.prototype],
];

/** Each guarded object's own keys, in order, and each member's value (a getter for an accessor). */
type Snapshot = Array<{ keys: Array<string | symbol>; values: unknown[] }>;

const memberValue = (target: object, key: string | symbol) => {
  const descriptor = Reflect.getOwnPropertyDescriptor(target, key)!;
  return 'value' in descriptor ? descriptor.value : descriptor.get;
};

function membersOf(target: object): Snapshot[number] {
  const keys = Reflect.ownKeys(target);
  return { keys, values: keys.map((key) => memberValue(target, key)) };
}

export const snapshotBuiltins = (): Snapshot => GUARDED.map(([, target]) => membersOf(target));

/** True when every guarded object has the same keys, in the same order, with the same values (the HTTP guard asks after every response). */
function unchangedSince(snapshot: Snapshot): boolean {
  return GUARDED.every(([, target], index) => {
    const before = snapshot[index]!;
    const keys = Reflect.ownKeys(target);
    return keys.length === before.keys.length && keys.every((key, k) => key === before.keys[k] && memberValue(target, key) === before.values[k]);
  });
}

/** What changed since the snapshot, e.g. `Object.prototype["@id"] added`; empty when nothing did. */
export function builtinChanges(snapshot: Snapshot): string[] {
  if (unchangedSince(snapshot)) return [];
  const changes: string[] = [];
  GUARDED.forEach(([name, target], index) => {
    const { keys, values } = snapshot[index]!;
    const before = new Map(keys.map((key, k) => [key, values[k]]));
    const now = membersOf(target);
    now.keys.forEach((key, k) => {
      if (!before.has(key)) changes.push(`${name}[${String(key)}] added`);
      else if (before.get(key) !== now.values[k]) changes.push(`${name}[${String(key)}] replaced`);
    });
    for (const key of keys) if (!now.keys.includes(key)) changes.push(`${name}[${String(key)}] removed`);
  });
  return changes;
}
