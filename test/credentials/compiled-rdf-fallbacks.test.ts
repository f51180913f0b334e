/**
 * What the compiled JSON-LD walk (src/credentials/compiledRdf.ts) leaves to jsonld.js, and why: each construct it does
 * not handle gives up with its own reason, counted in compiledRdfStats (what `npm run bench:rdfc` prints), and a
 * credential of the usual kinds compiles. That the quads are jsonld.js's is rdfc-differential.test.ts's subject.
 */
import t from 'tap';
import { compiledRdfStats, compiledToRdf } from '../../src/credentials/compiledRdf.js';

type Json = Record<string, unknown>;
const V2 = 'https://www.w3.org/ns/credentials/v2';
const EXAMPLES = 'https://www.w3.org/ns/credentials/examples/v2';

const credential = (subject: Json, context: unknown[] = [V2, EXAMPLES], extra: Json = {}) =>
  ({ '@context': context, type: ['VerifiableCredential'], issuer: 'did:example:issuer', credentialSubject: { id: 'did:example:worker', ...subject }, ...extra });
const withTerm = (name: string, definition: unknown, value: unknown) => credential({ [name]: value }, [V2, EXAMPLES, { [name]: definition }]);

/** How the walk answered: the number of quads, or the reason counted for its fallback. */
async function outcomeOf(document: unknown): Promise<string> {
  const before = compiledRdfStats();
  const quads = await compiledToRdf(document);
  const after = compiledRdfStats();
  if (quads) return after.compiled === before.compiled + 1 ? `${quads.length} quads` : 'quads, not counted';
  const counted = Object.keys(after.reasons).filter((reason) => after.reasons[reason] !== before.reasons[reason]);
  return after.fallbacks === before.fallbacks + 1 && counted.length === 1 ? `fallback: ${counted[0]}` : `fallback counted as ${counted.join(', ') || 'nothing'}`;
}

t.test('credentials of the usual kinds compile', async (t) => {
  t.equal(await outcomeOf(credential({ skill: 'Pruning olive trees' })), '4 quads', 'a plain credential');
  t.equal(await outcomeOf(credential({ skill: { '@value': 'x', '@type': 'relative' } })), '4 quads', 'a value typed by a relative IRI (expanded by @vocab)');
  t.equal(await outcomeOf(credential({ skill: { '@value': { a: 1 }, '@type': '@json' } })), '4 quads', 'a JSON literal');
});

t.test('each construct left to jsonld.js is counted under its reason', async (t) => {
  const cases: Array<[string, unknown, string]> = [
    ['a context not bundled', credential({}, [V2, 'https://example.org/unknown-context']), 'context not bundled'],
    ['a context jsonld.js refuses', credential({}, [V2, { a: { '@id': 5 } }]), 'context processing'],
    ['a @list beside @graph', withTerm('lg', { '@id': 'https://example.org/lg', '@container': ['@list', '@graph'] }, [{ a: 1 }]), 'context processing'],
    ['a top-level array', [credential({})], 'top-level value is not an object'],
    ['a top-level string', 'credential', 'top-level value is not an object'],
    ['a reverse term', withTerm('r', { '@reverse': 'https://example.org/r' }, { id: 'did:example:o' }), 'reverse property'],
    ['a @language container', withTerm('l', { '@id': 'https://example.org/l', '@container': '@language' }, { fr: 'maçon' }), '@language container'],
    ['a relative IRI', withTerm('h', { '@id': 'https://example.org/h', '@type': '@id' }, 'relative/path'), 'relative IRI'],
    ['a @type that is no string', credential({ type: [5] }), 'non-string @type'],
    ['an undefined term', credential({ favouriteTool: 'trowel' }, [V2]), 'undefined term'],
    ['rdf:type as a property', credential({ 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type': 'https://example.org/T' }), 'rdf:type written as a property'],
    ['a blank node predicate', credential({ '_:b0': 'x' }), 'blank node predicate'],
    ['two keys for @id', credential({ '@id': 'did:example:a', ident: 'did:example:b' }, [V2, EXAMPLES, { ident: '@id' }]), 'colliding keywords'],
    ['@reverse', credential({ '@reverse': { 'https://example.org/p': { id: 'did:example:o' } } }), '@reverse in a document'],
    ['@graph', credential({ '@graph': [{ id: 'did:example:o' }] }), '@graph in a document'],
    ['@nest', credential({ '@nest': { skill: 'x' } }), '@nest in a document'],
    ['@included', credential({ '@included': [{ id: 'did:example:o' }] }), '@included in a document'],
    ['@index', credential({ skill: { '@value': 'x', '@index': 'i' } }), '@index in a document'],
    ['@set', credential({ skill: { '@set': ['x'] } }), '@set in a document'],
    ['@list', credential({ skill: { '@list': ['x'] } }), '@list in a document'],
    ['a value object at the top', { '@context': [V2], '@value': 'x' }, 'value object at the top or in a @graph container'],
    ['@language on a node', credential({ '@language': 'fr' }), '@language or @direction outside a value object'],
    ['an @id that is no string', credential({ other: { id: 5 } }), 'non-string @id'],
    ['a reserved @id', credential({ other: { id: '@foo' } }), 'reserved @id'],
    ['a blank @type', credential({ other: { type: '_:b' } }), 'relative or blank @type'],
    ['an empty document', { '@context': [V2] }, 'empty node or node with nothing but @id at the top or in a @graph container'],
    ['@json in a list', withTerm('jl', { '@id': 'https://example.org/jl', '@type': '@json', '@container': '@list' }, [{ a: 1 }]), '@json in a list'],
    ['a list of lists', withTerm('ll', { '@id': 'https://example.org/ll', '@container': '@list' }, [[1]]), 'list of lists'],
    ['a value in a @graph container', withTerm('g', { '@id': 'https://example.org/g', '@container': '@graph' }, ['x']), 'value in a @graph container'],
    ['an empty node in a @graph container', withTerm('g', { '@id': 'https://example.org/g', '@container': '@graph' }, [{}]), 'empty node or node with nothing but @id at the top or in a @graph container'],
    ['a property in a value object', credential({ skill: { '@value': 'x', other: 1 } }), 'property in a value object'],
    ['two types in a value object', credential({ skill: { '@value': 'x', '@type': ['https://example.org/A', 'https://example.org/B'] } }), 'several @type values in a value object'],
    ['a language beside a type', credential({ skill: { '@value': 'x', '@type': 'https://example.org/T', '@language': 'fr' } }), 'invalid value object'],
    ['a null @value', credential({ skill: { '@value': null } }), 'null or structured @value'],
    ['an object @value', credential({ skill: { '@value': { a: 1 } } }), 'null or structured @value'],
    ['an invalid language tag', credential({ skill: { '@value': 'x', '@language': 'not a tag' } }), 'invalid language-tagged value'],
    ['a language on a number', credential({ skill: { '@value': 5, '@language': 'fr' } }), 'invalid language-tagged value'],
    ['an unknown direction', credential({ skill: { '@value': 'x', '@direction': 'up' } }), 'invalid base direction'],
    ['a direction on a number', credential({ skill: { '@value': 5, '@direction': 'ltr' } }), 'direction on a non-string'],
    ['values differing by direction only', credential({ skill: [{ '@value': 'x', '@direction': 'ltr' }, { '@value': 'x', '@direction': 'rtl' }] }), 'duplicate values differing by @direction'],
  ];
  for (const [what, document, reason] of cases) t.equal(await outcomeOf(document), `fallback: ${reason}`, what);
});
