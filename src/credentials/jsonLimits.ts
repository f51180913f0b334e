import { AppError, badRequest } from '../errors.js';

/**
 * How much JSON-LD work one document from outside may ask for. Every credential, presentation and JWT payload is
 * checked against these before any JSON-LD processing (`assertProcessable`), and the canonicaliser checks the quads
 * and the work factor (vcLibrary.ts). Costs were measured on this project's 2-core machine (Node 20, jsonld.js 9 with
 * fastContexts.ts): an Open Badges credential of 5,000 properties verifies in about 0.3 s, 0.05 ms per property; each
 * entry of an `@context` array costs about 1.3 ms (20,000 repeated entries: 26 s). Real credentials sit two orders of
 * magnitude below every limit; a document at every limit at once verifies in under a second, off the event loop.
 */
export const JSON_LD_LIMITS = {
  /**
   * Nesting of JSON objects and arrays. Credentials nest a few levels (subject -> achievement -> alignment -> ...);
   * 32 is far beyond any real one and bounds JSON-LD expansion's recursion, which follows the JSON nesting.
   */
  depth: 32,
  /**
   * Entries of all `@context` values in the document, wherever they appear. A credential names 2 to 5; a presentation
   * repeats its credentials' contexts, so 64 leaves room for a dozen credentials and costs under 0.1 s.
   */
  contextEntries: 64,
  /** Different contexts (distinct URLs, and each inline context object): a credential uses at most 5 or 6. */
  distinctContexts: 16,
  /**
   * `@context` inside `@context` (scoped contexts written inline). The bundled contexts nest one level; each level
   * multiplies the contexts jsonld.js processes per node.
   */
  contextNesting: 4,
  /** JSON objects (each becomes a JSON-LD node or value): a large Open Badges credential has about 100. */
  nodes: 2_000,
  /** Property values: each member of an object and each element of an array (0.05 ms each, 10,000: about 0.5 s). */
  properties: 10_000,
  /**
   * RDF statements handed to the canonicaliser (checked after toRDF, before RDFC-1.0). A document within the property
   * limit yields about one per property; `@list` yields two per item, hence a bound of its own.
   */
  quads: 10_000,
  /**
   * rdf-canonize's `maxWorkFactor`: deep-hashing iterations allowed, as a power of the number of blank nodes that
   * share a first-degree hash. 1 (linear, the library's default, made explicit) is enough because a credential's blank
   * nodes differ by their properties; "poison" graphs of look-alike blank nodes need more and are refused.
   */
  rdfcWorkFactor: 1,
} as const;
export type JsonLdLimit = keyof typeof JSON_LD_LIMITS;

/** 400 `json-ld-limit-exceeded`, naming the limit and its value so that the sender knows what to reduce. */
export function limitExceeded(limit: JsonLdLimit, what: string, detail: string): AppError {
  const max = JSON_LD_LIMITS[limit];
  return badRequest('json-ld-limit-exceeded', `${what} ${detail} (limit "${limit}": ${max}); send a smaller document`, { limit, max });
}

/**
 * Keys named like a member of Object.prototype (`__proto__`, `constructor`, `hasOwnProperty`, `toString`, ...). No
 * credential vocabulary defines such a term, and JavaScript JSON-LD processors read these names as object internals:
 * jsonld.js copies a `__proto__` key into the prototype of its working copy (the member silently leaves the signed
 * form) and calls `context.hasOwnProperty(...)` on inline contexts (a context defining `hasOwnProperty` crashes it).
 * Taken from the built-in itself so that it follows the Node.js version.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** An object or array still to walk; its JSON pointer is spelled out only for an error message (pointerOf). */
interface Pending { value: object; depth: number; contextNesting: number; parent: Pending | undefined; key: string }

const pointerOf = (pending: Pending, key: string): string => {
  const segments = [key];
  for (let p = pending; p.parent; p = p.parent) segments.push(p.key);
  return segments.reverse().map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
};

/**
 * Walks a document from outside once, before any JSON-LD processing, and refuses what would make that processing
 * unsafe or unbounded: reserved keys at any depth, and anything beyond JSON_LD_LIMITS.
 */
export function assertProcessable(value: unknown, what: string): void {
  if (value === null || typeof value !== 'object') return;
  const stack: Pending[] = [{ value, depth: 1, contextNesting: 0, parent: undefined, key: '' }];
  const distinctContexts = new Set<unknown>();
  let nodes = 0;
  let properties = 0;
  let contextEntries = 0;
  while (stack.length) {
    const pending = stack.pop()!;
    const { value: node, depth, contextNesting } = pending;
    if (depth > JSON_LD_LIMITS.depth) {
      throw badRequest('too-deeply-nested', `${what} is nested more than ${JSON_LD_LIMITS.depth} levels deep; flatten it`, { limit: 'depth', max: JSON_LD_LIMITS.depth });
    }
    if (Array.isArray(node)) {
      properties += node.length;
      if (properties > JSON_LD_LIMITS.properties) throw limitExceeded('properties', what, `has more than ${JSON_LD_LIMITS.properties} property values`);
      node.forEach((child: unknown, index) => {
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, contextNesting, parent: pending, key: String(index) });
      });
      continue;
    }
    if (++nodes > JSON_LD_LIMITS.nodes) throw limitExceeded('nodes', what, `has more than ${JSON_LD_LIMITS.nodes} objects`);
    const keys = Object.keys(node);
    properties += keys.length;
    if (properties > JSON_LD_LIMITS.properties) throw limitExceeded('properties', what, `has more than ${JSON_LD_LIMITS.properties} property values`);
    for (const key of keys) {
      if (RESERVED_KEYS.has(key)) {
        const at = pointerOf(pending, key);
        throw badRequest('reserved-key', `${what} has the key "${key}" (at ${at}); keys named like built-in JavaScript object members (__proto__, constructor, hasOwnProperty, toString, ...) are refused because JSON-LD processors treat them as object internals: rename the property`, { pointer: at });
      }
      const child = (node as Record<string, unknown>)[key];
      let nesting = contextNesting;
      if (key === '@context') {
        nesting++;
        if (nesting > JSON_LD_LIMITS.contextNesting) throw limitExceeded('contextNesting', what, `nests @context more than ${JSON_LD_LIMITS.contextNesting} levels deep (at ${pointerOf(pending, key)})`);
        const entries = Array.isArray(child) ? child : [child];
        contextEntries += entries.length;
        if (contextEntries > JSON_LD_LIMITS.contextEntries) throw limitExceeded('contextEntries', what, `has more than ${JSON_LD_LIMITS.contextEntries} @context entries`);
        for (const entry of entries) distinctContexts.add(entry);
        if (distinctContexts.size > JSON_LD_LIMITS.distinctContexts) throw limitExceeded('distinctContexts', what, `uses more than ${JSON_LD_LIMITS.distinctContexts} different contexts`);
      }
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, contextNesting: nesting, parent: pending, key });
    }
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
