/**
 * Makes jsonld.js stop deep-copying its active contexts, without changing what it computes.
 *
 * jsonld.js 9 clones the whole active context (every term definition of the VC 2.0 and Open Badges contexts, a few
 * hundred objects) each time it processes a context and each time it leaves a node with a type-scoped context
 * (`revertToPreviousContext`). A profile of credential verification spends about half of its time in those copies
 * and most of the rest collecting them. The copies are defensive only: jsonld.js mutates a context solely while it
 * builds it, on a fresh clone, and never changes a term definition once it is in a context. So:
 *
 * - `clone` copies the term map and the protected-terms record one level deep (the definitions are shared) and
 *   shares the previous context instead of cloning it;
 * - `revertToPreviousContext` returns one clone of the previous context per previous context (remembered in a
 *   WeakMap) instead of a new deep clone per call. It is the same data the library would build (a clone keeps the
 *   same fields: mappings, protected, previousContext, @base, @language, @vocab), and because it is the same object
 *   every time, jsonld.js's own processed-context cache (keyed by the active context object) now hits.
 *
 * Every context descends from jsonld.js's initial context (one per processing mode, cached by jsonld.js), and
 * children copy their `clone`/`revertToPreviousContext` from their parent, so patching the initial contexts in place
 * is enough. test/performance/fast-contexts.test.ts checks canonical N-Quads are byte-identical to plain jsonld.js.
 */
import { createRequire } from 'node:module';

interface ActiveContext {
  mappings: Map<string, unknown>;
  protected: Record<string, boolean>;
  previousContext?: ActiveContext;
  inverse: unknown;
  getInverse: unknown;
  clone(this: ActiveContext): ActiveContext;
  revertToPreviousContext(this: ActiveContext): ActiveContext;
  '@base'?: unknown;
  '@language'?: unknown;
  '@vocab'?: unknown;
}

const require = createRequire(import.meta.url);
const contextApi = require('jsonld/lib/context.js') as { getInitialContext(options: { processingMode?: string }): ActiveContext };

/** Same fields as jsonld.js's `_cloneActiveContext`, without copying term definitions or previous contexts. */
function shallowClone(this: ActiveContext): ActiveContext {
  const child = {
    mappings: new Map(this.mappings),
    clone: this.clone,
    inverse: null,
    getInverse: this.getInverse,
    // Keyed by term names from documents: without a prototype, a term such as "__proto__" is an ordinary key.
    protected: Object.assign(Object.create(null) as Record<string, boolean>, this.protected),
  } as unknown as ActiveContext;
  if (this.previousContext) child.previousContext = this.previousContext;
  child.revertToPreviousContext = this.revertToPreviousContext;
  if ('@base' in this) child['@base'] = this['@base'];
  if ('@language' in this) child['@language'] = this['@language'];
  if ('@vocab' in this) child['@vocab'] = this['@vocab'];
  return child;
}

const reverted = new WeakMap<ActiveContext, ActiveContext>();

function sharedRevert(this: ActiveContext): ActiveContext {
  const previous = this.previousContext;
  if (!previous) return this;
  let clone = reverted.get(previous);
  if (!clone) {
    clone = previous.clone();
    reverted.set(previous, clone);
  }
  return clone;
}

/** jsonld.js caches one initial context per processing mode (its only cache key); these are all it uses. */
const PROCESSING_MODES = [undefined, 'json-ld-1.0', 'json-ld-1.1'];

/** Installs the copy-free context handling in this process's jsonld.js (idempotent). */
export function installFastContexts(): void {
  for (const processingMode of PROCESSING_MODES) {
    const initial = contextApi.getInitialContext({ processingMode });
    initial.clone = shallowClone;
    initial.revertToPreviousContext = sharedRevert;
  }
}

/** Whether every initial context of this process's jsonld.js uses the copy-free handling. */
export const fastContextsInstalled = (): boolean => PROCESSING_MODES.every((processingMode) => {
  const initial = contextApi.getInitialContext({ processingMode });
  return initial.clone === shallowClone && initial.revertToPreviousContext === sharedRevert;
});
