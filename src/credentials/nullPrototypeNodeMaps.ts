/**
 * Makes jsonld.js keep its node maps in objects without a prototype, so that a node id from the document can never
 * reach `Object.prototype` or a built-in.
 *
 * Why: jsonld.js 9 (lib/nodeMap.js, `createNodeMap`) files every node of a document under its id in a plain object:
 * `const subject = subjects[name] = subjects[name] || {}` then `subject['@id'] = name`. A node whose id is
 * `__proto__` (for instance `"criteria": "__proto__"` where the context types `criteria` as `@id`) gets
 * `Object.prototype` as its "subject", and jsonld.js writes `@id` and every property of that node onto it. From then
 * on every object in the process inherits `@id`, so every blank node is taken for a node named `__proto__` and writes
 * its properties there too; ajv then sees those inherited keys as additional properties in every request body.
 * Ids such as `constructor` or `toString` merge the node into a built-in function instead (Object, or
 * Object.prototype.toString), which then carries data from one request into the canonical form of the next.
 * Canonicalisation (toRDF), framing and flattening all build node maps this way. Reported upstream as
 * digitalbazaar/jsonld.js#584, unfixed in 9.0.0.
 *
 * How: the library calls itself through `api.createNodeMap` for every node, so wrapping that export is enough to give
 * the graph map and each subject map a null prototype before the first lookup by id. Its callers (toRdf.js, frame.js,
 * jsonld.js) hold their own reference to the unwrapped function, but they always pass expanded input, which is an
 * array: the unwrapped call only loops over it and hands each node to the wrapped export before any lookup by id.
 * A graph map made null-prototype stays so; subject maps of named graphs are created later by the library as plain
 * objects and are converted when the library recurses into them (always through the export). test/credentials/
 * prototype-safety.test.ts feeds such ids through every route that reaches JSON-LD.
 */
import { createRequire } from 'node:module';

type NodeMap = Record<string, unknown>;
type CreateNodeMap = (input: unknown, graphs: Record<string, NodeMap>, graph: string, ...rest: unknown[]) => void;

const require = createRequire(import.meta.url);
const nodeMapApi = require('jsonld/lib/nodeMap.js') as { createNodeMap: CreateNodeMap };

// The check is a shortcut: setting a null prototype again changes nothing, and costs about twice as much as reading it.
function dropPrototype(map: object): void {
  if (Object.getPrototypeOf(map) !== null) Object.setPrototypeOf(map, null);
}

let installed = false;

/** Installs the null-prototype node maps in this process's jsonld.js (idempotent). */
export function installNullPrototypeNodeMaps(): void {
  if (installed) return;
  installed = true;
  const original = nodeMapApi.createNodeMap;
  nodeMapApi.createNodeMap = function createNodeMap(input, graphs, graph, ...rest) {
    dropPrototype(graphs);
    // Every caller in jsonld.js 9 creates a graph's map before it asks for the graph to be filled.
    dropPrototype(graphs[graph]!);
    return original.call(this, input, graphs, graph, ...rest);
  };
}
