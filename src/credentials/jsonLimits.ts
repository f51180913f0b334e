import { badRequest } from '../errors.js';

/**
 * Credentials nest a few levels (subject -> achievement -> alignment -> ...). 32 levels is far beyond any real one and
 * keeps recursive JSON-LD processing well inside the stack.
 */
export const MAX_CREDENTIAL_DEPTH = 32;

/**
 * Keys named like a member of Object.prototype (`__proto__`, `constructor`, `hasOwnProperty`, `toString`, ...). No
 * credential vocabulary defines such a term, and JavaScript JSON-LD processors read these names as object internals:
 * jsonld.js copies a `__proto__` key into the prototype of its working copy (the member silently leaves the signed
 * form) and calls `context.hasOwnProperty(...)` on inline contexts (a context defining `hasOwnProperty` crashes it).
 * Taken from the built-in itself so that it follows the Node.js version.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Walks a document from outside once, before any JSON-LD processing, and refuses what would make that processing
 * unsafe: nesting beyond `max` levels and reserved keys at any depth.
 */
export function assertProcessable(value: unknown, what: string, max = MAX_CREDENTIAL_DEPTH): void {
  const stack: Array<[unknown, number, string]> = [[value, 1, '']];
  while (stack.length) {
    const [node, depth, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) throw badRequest('too-deeply-nested', `${what} is nested more than ${max} levels deep; flatten it`);
    if (Array.isArray(node)) {
      node.forEach((child, index) => stack.push([child, depth + 1, `${path}/${index}`]));
      continue;
    }
    for (const key of Object.keys(node)) {
      const at = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (RESERVED_KEYS.has(key)) {
        throw badRequest('reserved-key', `${what} has the key "${key}" (at ${at}); keys named like built-in JavaScript object members (__proto__, constructor, hasOwnProperty, toString, ...) are refused because JSON-LD processors treat them as object internals: rename the property`, { pointer: at });
      }
      stack.push([(node as Record<string, unknown>)[key], depth + 1, at]);
    }
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
