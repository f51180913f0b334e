/**
 * JSON-LD to RDF for credentials without jsonld.js's general expansion algorithm: the same quads jsonld.js `toRDF`
 * produces (safe mode, `base: null`, `rdfDirection: 'i18n-datatype'`), computed in one synchronous walk over the
 * document from contexts that were processed once.
 *
 * Why: nearly every credential names the same few bundled contexts, yet jsonld.js runs its general, asynchronous
 * expansion for each one (a promise per value, an IRI expansion per key, a clone of the input, an expanded copy and a
 * node map before the first quad). Canonicalisation only needs the quads.
 *
 * How: context processing itself stays jsonld.js's (`jsonld/lib/context.js`, with its @protected, @propagate,
 * type-scoped and property-scoped rules); its result for each (active context, local context) pair is kept here, so
 * after the first credential of a kind the walk never awaits. Term lookups and IRI expansions are memoised per active
 * context. The walk mirrors jsonld.js's `expand` step for step (key order, the revert of type-scoped contexts, which
 * context expands which value) and emits quads as its node map and `toRDF` would: nodes with the same @id merged,
 * duplicate values dropped by jsonld.js's own comparison (`@value`, `@type`, `@language`; not `@direction`), lists
 * as rdf:first/rdf:rest chains, literals written with jsonld.js's number, boolean and JSON rules.
 *
 * Whatever the walk does not handle makes it give up, and the caller falls back to jsonld.js (which then also raises
 * the safe-mode error when there is one): @graph, @reverse, @nest, @included, @index, @set/@list objects written in the
 * document, @language/@index/@id/@type containers (and @graph with any but @set), reverse terms, lists of lists, contexts not bundled with the
 * service, relative IRIs, undefined terms, null or invalid values, invalid language tags, duplicate values that differ
 * only by @direction, and top-level arrays or empty documents. Each fallback is counted with its reason
 * (`compiledRdfStats`). test/credentials/rdfc-differential.test.ts compares the canonical N-Quads with plain jsonld.js.
 */
import { createRequire } from 'node:module';
import { bundledContexts } from './contexts/index.js';

const require = createRequire(import.meta.url);
const jsonldRequire = createRequire(require.resolve('jsonld/lib/toRdf.js'));

interface TermDefinition {
  '@id'?: string;
  '@type'?: string;
  '@container'?: string[];
  '@context'?: unknown;
  '@language'?: string | null;
  '@direction'?: string | null;
  reverse?: boolean;
}

interface ActiveContext {
  mappings: Map<string, TermDefinition | null>;
  previousContext?: ActiveContext;
  revertToPreviousContext(): ActiveContext;
}

const contextApi = jsonldRequire('./context.js') as {
  process(options: { activeCtx: ActiveContext; localCtx: unknown; options: object; propagate?: boolean; overrideProtected?: boolean }): Promise<ActiveContext>;
  expandIri(ctx: ActiveContext, value: string, relativeTo: { vocab?: boolean; base?: boolean }, options: object): string | null;
  getContextValue(ctx: ActiveContext, key: string, type: string): unknown;
  getInitialContext(options: object): ActiveContext;
  isKeyword(value: unknown): boolean;
};
const ContextResolver = jsonldRequire('./ContextResolver.js') as new (options: { sharedCache: unknown }) => object;
const events = jsonldRequire('./events.js') as { setupEventHandler(options: { options: object }): unknown };
const jsonCanonicalize = jsonldRequire('canonicalize') as (value: unknown) => string;

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const RDF_TYPE = `${RDF}type`;
const RDF_FIRST = `${RDF}first`;
const RDF_REST = `${RDF}rest`;
const RDF_NIL = `${RDF}nil`;
const RDF_LANGSTRING = `${RDF}langString`;
const RDF_JSON_LITERAL = `${RDF}JSON`;
const XSD_BOOLEAN = `${XSD}boolean`;
const XSD_DOUBLE = `${XSD}double`;
const XSD_INTEGER = `${XSD}integer`;
const XSD_STRING = `${XSD}string`;
/** jsonld.js's tests (lib/url.js, lib/util.js): an IRI with a scheme or a blank node; a BCP47-looking tag. */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;
const BCP47 = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;

export interface NamedNode { termType: 'NamedNode'; value: string }
export interface BlankNode { termType: 'BlankNode'; value: string }
export interface Literal { termType: 'Literal'; value: string; datatype: NamedNode; language?: string }
type Term = NamedNode | BlankNode | Literal;
type Graph = BlankNode | { termType: 'DefaultGraph'; value: '' };
export interface Quad { subject: NamedNode | BlankNode; predicate: NamedNode; object: Term; graph: Graph }

/** The walk cannot produce what jsonld.js would: the caller uses jsonld.js. */
class Unsupported extends Error {
  constructor(readonly reason: string) { super(reason); }
}

/** A context the walk needs has not been processed yet: the caller processes it (async) and walks again. */
class ContextNeeded extends Error {
  constructor(readonly compute: () => Promise<void>) { super('context needed'); }
}

/** What the walk needs to know about one term in one active context. */
interface TermInfo {
  /** The term's own definition has a (property-scoped or type-scoped) context. */
  scoped: unknown;
  type: unknown;
  isList: boolean;
  /** A @graph container (alone or with @set): each value is a node in a graph of its own. */
  isGraph: boolean;
  language: unknown;
  direction: unknown;
}

/** Everything memoised about one active context. */
interface Compiled {
  vocab: Map<string, string | null>;
  id: Map<string, string | null>;
  type: Map<string, string | null>;
  terms: Map<string, TermInfo>;
  reverted?: ActiveContext;
  /** Contexts derived from this one, keyed by the local context and how it is applied. */
  derived: Map<unknown, Map<string, ActiveContext>>;
  inline: Map<string, ActiveContext>;
}

let compiledContexts = new WeakMap<ActiveContext, Compiled>();
/**
 * Inline contexts (written in documents) are keyed by their JSON. Documents with ever new ones must not grow memory:
 * past this many, everything derived is dropped and recomputed (bundled contexts cost a few milliseconds to redo).
 */
const MAX_INLINE_CONTEXTS = 64;
let inlineContexts = 0;

function compiled(ctx: ActiveContext): Compiled {
  let entry = compiledContexts.get(ctx);
  if (!entry) {
    entry = { vocab: new Map(), id: new Map(), type: new Map(), terms: new Map(), derived: new Map(), inline: new Map() };
    compiledContexts.set(ctx, entry);
  }
  return entry;
}

const EXPAND_OPTIONS = { base: null };

/**
 * Entries kept per memo of one active context. Every credential brings new @id values (its own id, its status entry),
 * and a hostile document any number of keys: a memo that reaches this size starts again, so that a long-running
 * process issuing or verifying millions of credentials keeps the terms and types it sees every time, not every id.
 */
const MAX_MEMO_ENTRIES = 2048;

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_MEMO_ENTRIES) cache.clear();
  cache.set(key, value);
}

function memoIri(cache: Map<string, string | null>, ctx: ActiveContext, value: string, relativeTo: { vocab?: boolean; base?: boolean }): string | null {
  let iri = cache.get(value);
  if (iri === undefined && !cache.has(value)) {
    iri = contextApi.expandIri(ctx, value, relativeTo, EXPAND_OPTIONS);
    remember(cache, value, iri);
  }
  return iri ?? null;
}

const expandVocab = (ctx: ActiveContext, value: string) => memoIri(compiled(ctx).vocab, ctx, value, { vocab: true });
const expandId = (ctx: ActiveContext, value: string) => memoIri(compiled(ctx).id, ctx, value, { base: true });
const expandType = (ctx: ActiveContext, value: string) => memoIri(compiled(ctx).type, ctx, value, { vocab: true, base: true });

function term(ctx: ActiveContext, key: string): TermInfo {
  const cache = compiled(ctx).terms;
  let info = cache.get(key);
  if (!info) {
    const definition = ctx.mappings.get(key);
    // jsonld.js reads properties of a null (explicitly undefined) term definition here and fails.
    if (definition === null) throw new Unsupported('null term definition');
    if (definition?.reverse) throw new Unsupported('reverse property');
    const container = definition?.['@container'] ?? [];
    // (jsonld.js's context processing refuses @list beside any other container.)
    for (const c of container) if (c !== '@set' && c !== '@list' && c !== '@graph') throw new Unsupported(`${c} container`);
    info = {
      scoped: definition && Object.hasOwn(definition, '@context') ? definition['@context'] : undefined,
      type: contextApi.getContextValue(ctx, key, '@type'),
      isList: container.includes('@list'),
      isGraph: container.includes('@graph'),
      language: contextApi.getContextValue(ctx, key, '@language'),
      direction: contextApi.getContextValue(ctx, key, '@direction'),
    };
    remember(cache, key, info);
  }
  return info;
}

/** jsonld.js `getContextValue(ctx, key, '@context')`: the scoped context of a term, if it has one. */
function scopedContextOf(ctx: ActiveContext, key: string): unknown {
  if (!ctx.mappings.has(key)) return undefined;
  const definition = ctx.mappings.get(key);
  // jsonld.js reads properties of a null (explicitly undefined) term definition here and fails.
  if (definition === null) throw new Unsupported('null term definition');
  return definition && Object.hasOwn(definition, '@context') ? definition['@context'] : undefined;
}

/** jsonld.js `getContextValue(ctx, key, '@container') || []`. */
function containerOf(ctx: ActiveContext, key: string): string[] {
  const definition = ctx.mappings.get(key);
  if (definition === null) throw new Unsupported('null term definition');
  return definition?.['@container'] ?? [];
}

/** Same active context jsonld.js would compute, when already computed once; otherwise asks the caller to compute it. */
function derive(ctx: ActiveContext, localCtx: unknown, how: 'property' | 'type' | 'embedded'): ActiveContext {
  const entry = compiled(ctx);
  if (how === 'embedded') {
    const key = JSON.stringify(localCtx);
    const known = entry.inline.get(key);
    if (known) return known;
    throw new ContextNeeded(async () => {
      const result = await processContext(ctx, localCtx, {});
      if (++inlineContexts > MAX_INLINE_CONTEXTS) {
        compiledContexts = new WeakMap();
        inlineContexts = 0;
      }
      compiled(ctx).inline.set(key, result);
    });
  }
  // Scoped contexts come from term definitions: the same objects every time, so identity is the key.
  const known = entry.derived.get(localCtx)?.get(how);
  if (known) return known;
  throw new ContextNeeded(async () => {
    const result = await processContext(ctx, localCtx, how === 'property' ? { propagate: true, overrideProtected: true } : { propagate: false });
    let byHow = entry.derived.get(localCtx);
    if (!byHow) entry.derived.set(localCtx, byHow = new Map());
    byHow.set(how, result);
  });
}

function revert(ctx: ActiveContext): ActiveContext {
  const entry = compiled(ctx);
  entry.reverted ??= ctx.revertToPreviousContext();
  return entry.reverted;
}

/** Only bundled contexts: a context from anywhere else (a DID document, say) is left to jsonld.js. */
async function bundledOnly(url: string) {
  const document = bundledContexts.get(url);
  if (!document) throw new Unsupported(`context ${url} is not bundled`);
  return { contextUrl: null, documentUrl: url, document };
}

const resolvedContexts = new Map<string, unknown>();
const sharedCache = {
  get: (key: string) => resolvedContexts.get(key),
  set: (key: string, value: unknown) => {
    if (resolvedContexts.size >= MAX_INLINE_CONTEXTS) resolvedContexts.clear();
    resolvedContexts.set(key, value);
  },
};

async function processContext(activeCtx: ActiveContext, localCtx: unknown, flags: { propagate?: boolean; overrideProtected?: boolean }): Promise<ActiveContext> {
  const options = { documentLoader: bundledOnly, base: null, safe: true, contextResolver: new ContextResolver({ sharedCache }) };
  try {
    return await contextApi.process({ activeCtx, localCtx, ...flags, options: { ...options, eventHandler: events.setupEventHandler({ options }) } });
  } catch (error) {
    if (error instanceof Unsupported) throw error;
    // A context that is not bundled reaches here inside jsonld.js's "loading remote context failed", as its cause.
    const cause = (error as { details?: { cause?: unknown } }).details?.cause;
    throw cause instanceof Unsupported ? cause : new Unsupported(`context processing: ${(error as Error).message}`);
  }
}

const initialContext = contextApi.getInitialContext({});
const DEFAULT_GRAPH: Graph = { termType: 'DefaultGraph', value: '' };
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isDouble = (value: number) => String(value).includes('.') || Math.abs(value) >= 1e21;

/** A JSON-LD value object, as expansion would produce it. */
interface ValueObject { value: unknown; type?: string; language?: string; direction?: string }
/** One expanded value of a property: a node (IRI or blank node), a value object, or a list (never merged). */
type Expanded = { node: NamedNode | BlankNode } | { literal: ValueObject } | { list: NamedNode | BlankNode };

class Walk {
  readonly quads: Quad[] = [];
  private blankNodes = 0;
  private readonly labels = new Map<string, string>();
  /** graph and subject -> predicate -> values already added (jsonld.js's node-map merge, without duplicates). */
  private readonly seen = new Map<string, Map<string, Map<string, string | undefined>>>();
  private readonly jsonObjects = new WeakMap<object, number>();

  private freshBlankNode(): BlankNode {
    return { termType: 'BlankNode', value: `b${this.blankNodes++}` };
  }

  private nodeTerm(id: string): NamedNode | BlankNode {
    if (id.startsWith('_:')) {
      let label = this.labels.get(id);
      if (!label) {
        label = this.freshBlankNode().value;
        this.labels.set(id, label);
      }
      return { termType: 'BlankNode', value: label };
    }
    if (!ABSOLUTE_IRI.test(id)) throw new Unsupported('relative IRI');
    return { termType: 'NamedNode', value: id };
  }

  /** Adds a quad unless the node map would already hold the value (lists are always added, as jsonld.js does). */
  private add(graph: Graph, subject: NamedNode | BlankNode, predicate: string, value: Expanded): void {
    if ('list' in value) {
      this.quads.push({ subject, predicate: { termType: 'NamedNode', value: predicate }, object: value.list, graph });
      return;
    }
    let key: string;
    let direction: string | undefined;
    if ('node' in value) {
      key = `@id ${value.node.termType === 'BlankNode' ? '_:' : ''}${value.node.value}`;
    } else {
      const { value: v, type, language } = value.literal;
      direction = value.literal.direction;
      // jsonld.js compares @value with ===: JSON objects (always fresh copies there) never match each other.
      const identity = v !== null && typeof v === 'object' ? `#${this.jsonIdentity(v)}` : `${typeof v}:${String(v)}`;
      key = JSON.stringify([identity, type ?? null, language ?? null]);
    }
    const subjectKey = `${graph.value} ${subject.termType === 'BlankNode' ? '_:' : ''}${subject.value}`;
    let properties = this.seen.get(subjectKey);
    if (!properties) this.seen.set(subjectKey, properties = new Map());
    let values = properties.get(predicate);
    if (!values) properties.set(predicate, values = new Map());
    if (values.has(key)) {
      // jsonld.js keeps whichever came first in its own traversal order, which this walk does not reproduce.
      if (values.get(key) !== direction) throw new Unsupported('duplicate values differing by @direction');
      return;
    }
    values.set(key, direction);
    this.quads.push({ subject, predicate: { termType: 'NamedNode', value: predicate }, object: this.object(value), graph });
  }

  private jsonIdentity(value: object): number {
    let id = this.jsonObjects.get(value);
    if (id === undefined) this.jsonObjects.set(value, id = this.blankNodes++);
    return id;
  }

  private object(value: Expanded): Term {
    if ('node' in value) return value.node;
    if ('list' in value) return value.list;
    return literal(value.literal);
  }

  private list(graph: Graph, items: Expanded[]): NamedNode | BlankNode {
    if (items.length === 0) return { termType: 'NamedNode', value: RDF_NIL };
    const head = this.freshBlankNode();
    let subject = head;
    items.forEach((item, index) => {
      const last = index === items.length - 1;
      const next = last ? { termType: 'NamedNode' as const, value: RDF_NIL } : this.freshBlankNode();
      this.quads.push({ subject, predicate: { termType: 'NamedNode', value: RDF_FIRST }, object: this.object(item), graph });
      this.quads.push({ subject, predicate: { termType: 'NamedNode', value: RDF_REST }, object: next, graph });
      if (next.termType === 'BlankNode') subject = next;
    });
    return head;
  }

  /** jsonld.js `expand` on the document itself, then its node map and `toRDF`. */
  document(element: unknown): void {
    if (!isObject(element)) throw new Unsupported('top-level value is not an object');
    this.objectElement(initialContext, null, element, null, DEFAULT_GRAPH);
  }

  /**
   * jsonld.js `expand` for an object (a node or a value object) under `activeProperty`, whose quads go to `graph`.
   * Returns the node (`empty` when it has no entry but @id) or the value.
   */
  private objectElement(activeCtx: ActiveContext, activeProperty: string | null, element: Record<string, unknown>,
    typeScopedContext: ActiveContext | null, graph: Graph): { node: NamedNode | BlankNode; empty: boolean } | { literal: ValueObject } {
    const propertyScopedCtx = activeProperty === null ? undefined : scopedContextOf(activeCtx, activeProperty);
    typeScopedContext = typeScopedContext ?? (activeCtx.previousContext ? activeCtx : null);
    const keys = Object.keys(element).sort();
    let mustRevert = true;
    if (typeScopedContext && keys.length <= 2 && !keys.includes('@context')) {
      for (const key of keys) {
        const expanded = expandVocab(typeScopedContext, key);
        if (expanded === '@value') {
          mustRevert = false;
          activeCtx = typeScopedContext;
          break;
        }
        if (expanded === '@id' && keys.length === 1) {
          mustRevert = false;
          break;
        }
      }
    }
    if (mustRevert) activeCtx = revert(activeCtx);
    if (propertyScopedCtx !== undefined) activeCtx = derive(activeCtx, propertyScopedCtx, 'property');
    if ('@context' in element) activeCtx = derive(activeCtx, element['@context'], 'embedded');
    typeScopedContext = activeCtx;

    // Type-scoped contexts, in jsonld.js's order (each @type key expanded with the context as updated so far).
    let typeKey: string | null = null;
    for (const key of keys) {
      if (expandVocab(activeCtx, key) !== '@type') continue;
      typeKey ??= key;
      const value = element[key];
      const types = Array.isArray(value) ? (value.length > 1 ? value.slice().sort() : value) : [value];
      for (const type of types) {
        if (typeof type !== 'string') throw new Unsupported('non-string @type');
        const scoped = scopedContextOf(typeScopedContext, type);
        if (scoped !== undefined) activeCtx = derive(activeCtx, scoped, 'type');
      }
    }

    const keywords = new Map<string, string>();
    for (const key of keys) {
      if (key === '@context') continue;
      const expanded = expandVocab(activeCtx, key);
      if (expanded === null || !(ABSOLUTE_IRI.test(expanded) || contextApi.isKeyword(expanded))) throw new Unsupported('undefined term');
      if (!contextApi.isKeyword(expanded)) {
        if (expanded === RDF_TYPE) throw new Unsupported('rdf:type written as a property');
        if (expanded.startsWith('_:')) throw new Unsupported('blank node predicate');
        continue;
      }
      if (expanded === '@type') {
        for (const type of asArray(element[key])) if (typeof type !== 'string') throw new Unsupported('non-string @type');
        continue;
      }
      if (keywords.has(expanded)) throw new Unsupported('colliding keywords');
      if (expanded === '@id' || expanded === '@value' || expanded === '@language' || expanded === '@direction') keywords.set(expanded, key);
      else throw new Unsupported(`${expanded} in a document`);
    }

    // jsonld.js drops (and safe mode refuses) a value, or a node with nothing but @id, at the top or in a graph.
    const dropsUnsafe = activeProperty === null || containerOf(activeCtx, activeProperty).includes('@graph');
    if (keywords.has('@value')) {
      if (dropsUnsafe) throw new Unsupported('value object at the top or in a @graph container');
      return { literal: this.valueObject(activeCtx, element, keys, keywords, typeKey, typeScopedContext) };
    }
    if (keywords.has('@language') || keywords.has('@direction')) throw new Unsupported('@language or @direction outside a value object');

    let node: NamedNode | BlankNode;
    const idKey = keywords.get('@id');
    if (idKey !== undefined) {
      const id = element[idKey];
      if (typeof id !== 'string') throw new Unsupported('non-string @id');
      const expanded = expandId(activeCtx, id);
      if (expanded === null) throw new Unsupported('reserved @id');
      node = this.nodeTerm(expanded);
    } else {
      node = this.freshBlankNode();
    }
    // @type values are expanded with the context before any type-scoped context was applied.
    let empty = true;
    for (const key of keys) {
      if (key === '@context' || key === idKey) continue;
      const expanded = expandVocab(activeCtx, key)!;
      if (expanded === '@type') {
        // An empty @type array adds nothing: `{"type": []}` is as empty to jsonld.js as `{}`.
        for (const type of asArray(element[key])) {
          empty = false;
          const iri = expandType(typeScopedContext, type as string);
          if (iri === null || iri.startsWith('_:') || !ABSOLUTE_IRI.test(iri)) throw new Unsupported('relative or blank @type');
          this.add(graph, node, RDF_TYPE, { node: { termType: 'NamedNode', value: iri } });
        }
        continue;
      }
      const values = this.propertyValues(activeCtx, key, element[key], graph);
      if (values === null) continue;
      empty = false;
      for (const value of values) this.add(graph, node, expanded, value);
    }
    if (empty && dropsUnsafe) throw new Unsupported('empty node or node with nothing but @id at the top or in a @graph container');
    return { node, empty };
  }

  /** The values of one property of a node: `_expandObject`'s handling of a key that is not a keyword. */
  private propertyValues(activeCtx: ActiveContext, key: string, value: unknown, graph: Graph): Expanded[] | null {
    const outer = term(activeCtx, key);
    const termCtx = outer.scoped !== undefined ? derive(activeCtx, outer.scoped, 'property') : activeCtx;
    if (outer.type === '@json') {
      if (outer.isList) throw new Unsupported('@json in a list');
      return [{ literal: { value, type: '@json' } }];
    }
    // jsonld.js drops any other property whose value is null (an empty array stays; in a list container, rdf:nil).
    if (value === null) return null;
    const inner = term(termCtx, key);
    if (inner.isList !== outer.isList || inner.isGraph !== outer.isGraph) throw new Unsupported('scoped context changes the container');
    if (contextApi.isKeyword(expandVocab(termCtx, key))) throw new Unsupported('scoped context makes the term a keyword');
    if (outer.isGraph) return this.graphValues(termCtx, key, value);
    const items: Expanded[] = [];
    this.expandInto(termCtx, key, value, outer.isList, items, graph);
    return outer.isList ? [{ list: this.list(graph, items) }] : items;
  }

  /** Values of a @graph container: each node object in a graph of its own, named by a blank node. */
  private graphValues(ctx: ActiveContext, key: string, value: unknown): Expanded[] {
    const items: Expanded[] = [];
    for (const element of [value].flat(Infinity)) {
      if (element === null) continue;
      if (!isObject(element)) throw new Unsupported('value in a @graph container');
      const name = this.freshBlankNode();
      const result = this.objectElement(ctx, key, element, null, name);
      if (!('node' in result) || result.empty) throw new Unsupported('value or empty node in a @graph container');
      items.push({ node: name });
    }
    return items;
  }

  /** `expand` of a property value (scalar, array or object) under `key`, appended to `items`. */
  private expandInto(ctx: ActiveContext, key: string, element: unknown, insideList: boolean, items: Expanded[], graph: Graph): void {
    if (element === null || element === undefined) return;
    if (Array.isArray(element)) {
      for (const item of element) {
        if (insideList && Array.isArray(item)) throw new Unsupported('list of lists');
        this.expandInto(ctx, key, item, insideList, items, graph);
      }
      return;
    }
    if (isObject(element)) {
      const result = this.objectElement(ctx, key, element, null, graph);
      items.push('node' in result ? { node: result.node } : { literal: result.literal });
      return;
    }
    items.push(this.scalar(ctx, key, element));
  }

  /** jsonld.js `_expandValue`: type coercion and default language of the term. */
  private scalar(ctx: ActiveContext, key: string, value: unknown): Expanded {
    const info = term(ctx, key);
    if (typeof value === 'string' && (info.type === '@id' || info.type === '@vocab')) {
      const iri = info.type === '@id' ? expandId(ctx, value) : expandType(ctx, value);
      if (iri === null) throw new Unsupported('reserved @id');
      return { node: this.nodeTerm(iri) };
    }
    const result: ValueObject = { value };
    if (info.type && info.type !== '@id' && info.type !== '@vocab' && info.type !== '@none') {
      result.type = info.type as string;
    } else if (typeof value === 'string') {
      if (info.language !== null) result.language = info.language as string;
      if (info.direction !== null) result.direction = info.direction as string;
    }
    return { literal: result };
  }

  /** A value object written in the document (`@value` with `@type`, `@language` or `@direction`). */
  private valueObject(activeCtx: ActiveContext, element: Record<string, unknown>, keys: string[], keywords: Map<string, string>,
    typeKey: string | null, typeScopedContext: ActiveContext): ValueObject {
    for (const key of keys) {
      if (key === '@context') continue;
      if (!contextApi.isKeyword(expandVocab(activeCtx, key))) throw new Unsupported('property in a value object');
    }
    const firstType = typeKey === null ? undefined : asArray(element[typeKey])[0];
    const isJson = typeof firstType === 'string' && expandType(activeCtx, firstType) === '@json';
    const result: ValueObject = { value: element[keywords.get('@value')!] };
    const typeValues = typeKey === null ? [] : keys.filter((k) => k !== '@context' && expandVocab(activeCtx, k) === '@type').flatMap((k) => asArray(element[k]));
    if (typeValues.length > 1) throw new Unsupported('several @type values in a value object');
    if (typeValues.length === 1) {
      const type = expandType(typeScopedContext, typeValues[0] as string);
      if (type === null) throw new Unsupported('invalid typed value');
      if (isJson !== (type === '@json')) throw new Unsupported('@json type');
      if (!isJson && (type.startsWith('_:') || !ABSOLUTE_IRI.test(type))) throw new Unsupported('invalid typed value');
      result.type = type;
    }
    if (isJson) {
      if (keywords.has('@language') || keywords.has('@direction')) throw new Unsupported('invalid value object');
      return result;
    }
    const value = result.value;
    if (value === null || typeof value === 'object') throw new Unsupported('null or structured @value');
    const languageKey = keywords.get('@language');
    const directionKey = keywords.get('@direction');
    if (result.type !== undefined && (languageKey !== undefined || directionKey !== undefined)) throw new Unsupported('invalid value object');
    if (languageKey !== undefined && element[languageKey] !== null) {
      const language = element[languageKey];
      if (typeof language !== 'string' || typeof value !== 'string' || !BCP47.test(language)) throw new Unsupported('invalid language-tagged value');
      result.language = language.toLowerCase();
    }
    if (directionKey !== undefined) {
      const direction = element[directionKey];
      if (direction !== 'ltr' && direction !== 'rtl') throw new Unsupported('invalid base direction');
      if (typeof value !== 'string') throw new Unsupported('direction on a non-string');
      result.direction = direction;
    }
    return result;
  }
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** jsonld.js toRdf.js `_objectToRDF` for a value object (rdfDirection 'i18n-datatype'). */
function literal(item: ValueObject): Literal {
  const datatype = item.type ?? null;
  let value = item.value;
  if (datatype === '@json') return { termType: 'Literal', value: jsonCanonicalize(value), datatype: { termType: 'NamedNode', value: RDF_JSON_LITERAL } };
  if (typeof value === 'boolean') return { termType: 'Literal', value: value.toString(), datatype: { termType: 'NamedNode', value: datatype ?? XSD_BOOLEAN } };
  if ((typeof value === 'number' && isDouble(value)) || datatype === XSD_DOUBLE) {
    if (!(typeof value === 'number' && isDouble(value))) value = parseFloat(value as string);
    const canonical = (value as number).toExponential(15).replace(/(\d)0*e\+?/, '$1E');
    return { termType: 'Literal', value: canonical, datatype: { termType: 'NamedNode', value: datatype ?? XSD_DOUBLE } };
  }
  if (typeof value === 'number') return { termType: 'Literal', value: value.toFixed(0), datatype: { termType: 'NamedNode', value: datatype ?? XSD_INTEGER } };
  if (item.direction !== undefined) {
    const language = (item.language ?? '').toLowerCase();
    return { termType: 'Literal', value: value as string, datatype: { termType: 'NamedNode', value: `https://www.w3.org/ns/i18n#${language}_${item.direction}` } };
  }
  if (item.language !== undefined) return { termType: 'Literal', value: value as string, datatype: { termType: 'NamedNode', value: datatype ?? RDF_LANGSTRING }, language: item.language };
  return { termType: 'Literal', value: value as string, datatype: { termType: 'NamedNode', value: datatype ?? XSD_STRING } };
}

const stats = { compiled: 0, fallbacks: 0, reasons: new Map<string, number>() };

/** How often the compiled walk produced the quads, and how often (and why) it left a document to jsonld.js. */
export function compiledRdfStats(): { compiled: number; fallbacks: number; reasons: Record<string, number> } {
  return { compiled: stats.compiled, fallbacks: stats.fallbacks, reasons: Object.fromEntries(stats.reasons) };
}

/** Contexts computed on a first walk of a kind of document: a handful per context set, so a few walks at most. */
const MAX_CONTEXT_ROUNDS = 32;

/**
 * The RDF dataset jsonld.js `toRDF` produces for `document` (safe mode, base null, i18n-datatype directions), or
 * undefined when the document uses something the compiled walk leaves to jsonld.js.
 */
export async function compiledToRdf(document: unknown): Promise<Quad[] | undefined> {
  for (let round = 0; round < MAX_CONTEXT_ROUNDS; round++) {
    try {
      const walk = new Walk();
      walk.document(document);
      stats.compiled++;
      return walk.quads;
    } catch (error) {
      if (error instanceof ContextNeeded) {
        try {
          await error.compute();
        } catch (failure) {
          return fallback(failure instanceof Unsupported ? failure.reason : 'context processing');
        }
        continue;
      }
      if (error instanceof Unsupported) return fallback(error.reason);
      throw error;
    }
  }
  return fallback('too many contexts');
}

function fallback(reason: string): undefined {
  stats.fallbacks++;
  const key = reason.startsWith('context processing') ? 'context processing' : reason.startsWith('context ') ? 'context not bundled' : reason;
  stats.reasons.set(key, (stats.reasons.get(key) ?? 0) + 1);
  return undefined;
}
