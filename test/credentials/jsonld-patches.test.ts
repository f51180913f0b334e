/**
 * The two patches the service makes to jsonld.js (src/credentials/fastContexts.ts, nullPrototypeNodeMaps.ts), checked
 * against the library's own functions. This file must not import the service: importing it installs both patches,
 * and the library's functions are read here before that.
 */
import { createRequire } from 'node:module';
import jsonld from 'jsonld';
import t from 'tap';
import { fastContextsInstalled, installFastContexts } from '../../src/credentials/fastContexts.js';
import { installNullPrototypeNodeMaps } from '../../src/credentials/nullPrototypeNodeMaps.js';

type ActiveContext = Record<string, any> & { clone(): ActiveContext; revertToPreviousContext(): ActiveContext };

const require = createRequire(import.meta.url);
const contextApi = require('jsonld/lib/context.js') as { getInitialContext(options: { processingMode?: string }): ActiveContext };
const nodeMapApi = require('jsonld/lib/nodeMap.js') as { createNodeMap: (...args: unknown[]) => void };

const PROCESSING_MODES = [undefined, 'json-ld-1.0', 'json-ld-1.1'] as const;
const libraryClone = contextApi.getInitialContext({}).clone;
const libraryRevert = contextApi.getInitialContext({}).revertToPreviousContext;
const libraryNodeMap = nodeMapApi.createNodeMap;

/** A context with every field a copy keeps: terms, protected terms, a previous context, @base, @language, @vocab. */
const LOCAL_CONTEXT = {
  '@propagate': false, '@base': 'https://example.org/base/', '@language': 'fr', '@vocab': 'https://example.org/vocab#',
  '@protected': true, skill: { '@id': 'https://example.org/skill', '@type': '@id' },
};

const processed = (processingMode: string | undefined, local: object) =>
  jsonld.processContext(contextApi.getInitialContext({ processingMode }), local, { processingMode } as never) as Promise<ActiveContext>;

t.test('before installation the service process would run jsonld.js\'s own copies', async (t) => {
  t.notOk(fastContextsInstalled());
});

t.test('a copy of an active context has the fields jsonld.js\'s own copy has, with the same values', async (t) => {
  installFastContexts();
  t.ok(fastContextsInstalled(), 'installed for every processing mode');
  const context = await processed('json-ld-1.1', LOCAL_CONTEXT);
  t.ok(context.previousContext && context['@base'] && context['@language'] && context['@vocab'], 'the context has every optional field');
  const fast = context.clone();
  const library = libraryClone.call(context);
  t.same(Object.keys(fast), Object.keys(library), 'the same fields, in the same order');
  t.same([...fast.mappings], [...library.mappings], 'the same term definitions');
  t.same({ ...fast.protected }, { ...library.protected }, 'the same protected terms');
  for (const field of ['@base', '@language', '@vocab', 'inverse', 'getInverse', 'clone', 'revertToPreviousContext']) {
    t.equal(fast[field], library[field], field);
  }
  t.same([...fast.previousContext.mappings], [...library.previousContext.mappings], 'a previous context with the same terms');
  t.equal(fast.previousContext, context.previousContext, 'shared, not copied');
});

t.test('a copy\'s term map and protected terms are its own', async (t) => {
  const context = await processed('json-ld-1.1', LOCAL_CONTEXT);
  const copy = context.clone();
  copy.mappings.set('added', { '@id': 'https://example.org/added' });
  copy.protected.added = true;
  t.notOk(context.mappings.has('added'), 'terms added to the copy stay there');
  t.notOk('added' in context.protected, 'so do protected terms');
  t.equal(Object.getPrototypeOf(copy.protected), null, 'protected terms are kept without a prototype');
});

t.test('a context without the optional fields is copied without them', async (t) => {
  const context = await processed(undefined, { skill: 'https://example.org/skill' });
  const copy = context.clone();
  for (const field of ['previousContext', '@base', '@language', '@vocab']) t.notOk(field in copy, `no ${field}`);
  t.same(Object.keys(copy), Object.keys(libraryClone.call(context)), 'the same fields as jsonld.js\'s copy');
});

t.test('reverting to the previous context gives one copy per previous context, equal to jsonld.js\'s', async (t) => {
  const context = await processed('json-ld-1.1', LOCAL_CONTEXT);
  const reverted = context.revertToPreviousContext();
  t.equal(context.revertToPreviousContext(), reverted, 'the same copy each time');
  t.not(reverted, context.previousContext, 'a copy, not the previous context itself');
  t.same([...reverted.mappings], [...libraryRevert.call(context).mappings], 'with the terms jsonld.js would restore');
  const noPrevious = await processed(undefined, { skill: 'https://example.org/skill' });
  t.equal(noPrevious.revertToPreviousContext(), noPrevious, 'a context without a previous one reverts to itself');
});

t.test('every processing mode\'s contexts are copied without copying term definitions', async (t) => {
  for (const processingMode of PROCESSING_MODES) {
    const context = await processed(processingMode, { '@vocab': 'https://example.org/vocab#', skill: 'https://example.org/skill' });
    t.equal(context.clone().mappings.get('skill'), context.mappings.get('skill'), `${processingMode ?? 'default'}: definitions shared`);
  }
});

t.test('the node map builder is wrapped once, however often the wrapper is installed', async (t) => {
  installNullPrototypeNodeMaps();
  const wrapped = nodeMapApi.createNodeMap;
  t.not(wrapped, libraryNodeMap, 'wrapped');
  installNullPrototypeNodeMaps();
  t.equal(nodeMapApi.createNodeMap, wrapped, 'once');
});
