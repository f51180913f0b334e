/**
 * Generated JSON-LD documents for the differential canonicalisation test (test/credentials/rdfc-differential.test.ts):
 * credentials under the bundled contexts and under an inline context with scoped contexts, coercions, containers,
 * language and direction, JSON literals, numbers, dates and unicode. Some variants are meant to be refused (undefined
 * terms, relative IRIs, invalid value objects): the compiled walk must then leave them to jsonld.js.
 */
import fc from 'fast-check';
import { assertProcessable } from '../../src/credentials/jsonLimits.js';

type Json = Record<string, unknown>;

const VC2 = 'https://www.w3.org/ns/credentials/v2';
const VC1 = 'https://www.w3.org/2018/credentials/v1';
const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const EXAMPLES = 'https://www.w3.org/ns/credentials/examples/v2';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** Terms of every kind the compiled walk handles, plus a type-scoped and a property-scoped context. */
export const INLINE_CONTEXT: Json = {
  '@version': 1.1,
  ex: 'https://example.org/ns#',
  tagged: { '@id': 'ex:tagged', '@language': 'AR' },
  untagged: { '@id': 'ex:untagged', '@language': null },
  rtl: { '@id': 'ex:rtl', '@language': 'ar', '@direction': 'rtl' },
  json: { '@id': 'ex:json', '@type': '@json' },
  listed: { '@id': 'ex:listed', '@container': '@list' },
  bag: { '@id': 'ex:bag', '@container': '@set' },
  ref: { '@id': 'ex:ref', '@type': '@id' },
  vocabRef: { '@id': 'ex:vocabRef', '@type': '@vocab' },
  dbl: { '@id': 'ex:dbl', '@type': `${XSD}double` },
  int: { '@id': 'ex:int', '@type': `${XSD}integer` },
  day: { '@id': 'ex:day', '@type': `${XSD}date` },
  note: 'ex:note',
  Thing: 'ex:Thing',
  Scoped: { '@id': 'ex:Scoped', '@context': { inner: { '@id': 'ex:inner', '@type': '@id' }, note: { '@id': 'ex:scopedNote', '@language': 'fr' } } },
  Sticky: { '@id': 'ex:Sticky', '@context': { '@propagate': true, note: 'ex:stickyNote' } },
  wrapper: { '@id': 'ex:wrapper', '@context': { deep: 'ex:deep', note: 'ex:wrappedNote', Scoped: 'ex:ScopedInWrapper' } },
  deep: 'ex:deepOutside',
  inner: 'ex:innerOutside',
};

const TEXTS = ['', ' ', 'Maçon', 'مرحبا بالعالم', 'שלום', 'e\u0301\u0327', '𝄞 🎉 👩🏽‍🔧', '\u202Eabc\u202C', 'a\nb\tc', '"q" \\ <x>', '\u0000\u001f', 'İstanbul', 'ﷺ'];
const IRIS = ['urn:uuid:9b0f6e34-7d0c-4c55-9a8e-3f0d7c1e2a10', 'did:example:a', 'https://example.org/n/1', 'http://data.europa.eu/snb/eqf/3', 'ex:n2', 'urn:x:é'];
const DATES = ['2025-01-01T00:00:00Z', '2025-06-30', '2010-01-01T19:23:24.123+01:00', 'not a date', '1999-12-31T23:59:59Z'];
const LANGUAGES = ['en', 'fr', 'AR', 'zh-Hant-TW', 'es-419'];
const TYPES_OB = ['Achievement', 'Alignment', 'Result', 'ResultDescription', 'Evidence', 'Profile', 'Image', 'IdentityObject', 'Criteria', 'https://example.org/T'];
const TYPES_INLINE = ['Thing', 'Scoped', 'Sticky', 'ex:Other', 'https://example.org/T'];

const text = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TEXTS) }, fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
const number = fc.oneof(
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1.5, 1e21, 2 ** 53 + 2, -1e-7, 123456789012, 0.1 + 0.2),
);
const iri = fc.constantFrom(...IRIS);
/**
 * A JSON literal's value, as the service accepts it. fast-check draws keys such as `__proto__`, which the service
 * refuses before any JSON-LD processing (assertProcessable) and jsonld.js mishandles (it drops the member), so there
 * is nothing to compare there.
 */
const jsonLiteralValue = (maxDepth: number) => fc.jsonValue({ maxDepth }).filter((value) => {
  try {
    assertProcessable(value, 'a JSON literal');
    return true;
  } catch {
    return false;
  }
});
const language = fc.constantFrom(...LANGUAGES);

/** A literal as a document may write it: plain, language-tagged, directed, typed, or as a JSON literal. */
const valueObject = fc.oneof(
  fc.record({ '@value': text, '@language': language }),
  fc.record({ '@value': text, '@language': language, '@direction': fc.constantFrom('ltr', 'rtl') }),
  fc.record({ '@value': text, '@direction': fc.constantFrom('ltr', 'rtl') }),
  fc.record({ '@value': fc.oneof(text, number, fc.boolean()), '@type': fc.constantFrom(`${XSD}string`, `${XSD}integer`, `${XSD}double`, `${XSD}boolean`, `${XSD}dateTime`) }),
  fc.record({ '@value': jsonLiteralValue(2), '@type': fc.constant('@json') }),
  fc.record({ '@value': fc.oneof(text, number, fc.boolean()) }),
);
const literal = fc.oneof({ weight: 4, arbitrary: text }, number, fc.boolean(), { weight: 2, arbitrary: valueObject });
const oneOrMany = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary }, fc.array(arbitrary, { maxLength: 3 }));

type Pool = Record<string, (node: fc.Arbitrary<Json>) => fc.Arbitrary<unknown>>;

/** A Data Integrity proof as credentials carry it (VC contexts: `proof` is a @graph container). */
const proofNode = fc.record({
  id: fc.option(fc.constantFrom('urn:uuid:proof-1', 'urn:uuid:proof-2'), { nil: undefined }),
  type: fc.constant('DataIntegrityProof'),
  cryptosuite: fc.constantFrom('eddsa-rdfc-2022', 'eddsa-jcs-2022'),
  created: fc.constantFrom(...DATES),
  verificationMethod: fc.constantFrom('did:example:a#key-1', 'https://example.org/keys/1'),
  proofPurpose: fc.constantFrom('assertionMethod', 'authentication'),
  proofValue: fc.constantFrom('z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdoWhAfGFCF5bppETSTojQCrfFPP2oumHKtz', 'z'),
  previousProof: fc.option(fc.constant('urn:uuid:proof-1'), { nil: undefined }),
}, { requiredKeys: ['type', 'cryptosuite', 'verificationMethod', 'proofPurpose'] });

/** Terms of the VC contexts with @graph containers. */
const GRAPH_TERMS: Pool = {
  proof: (node) => fc.oneof({ weight: 3, arbitrary: oneOrMany(proofNode) }, node, fc.constant('did:example:a')),
  verifiableCredential: (node) => oneOrMany(node),
};

/** Terms of the Open Badges and VC 2.0 contexts, by the kind of value they take. */
const OB_TERMS: Pool = {
  name: () => oneOrMany(literal),
  description: () => literal,
  narrative: () => literal,
  creditsAvailable: () => fc.oneof(number, text),
  hashed: () => fc.oneof(fc.boolean(), text),
  identityHash: () => text,
  targetUrl: () => fc.oneof(iri, text),
  targetCode: () => fc.oneof(text, number),
  dateOfBirth: () => fc.constantFrom(...DATES),
  validFrom: () => fc.constantFrom(...DATES),
  image: () => fc.oneof(iri, fc.record({ id: iri, type: fc.constant('Image'), caption: literal })),
  url: () => iri,
  achievement: (node) => node,
  alignment: (node) => oneOrMany(node),
  result: (node) => fc.array(node, { maxLength: 3 }),
  resultDescription: (node) => fc.array(node, { maxLength: 2 }),
  allowedValue: () => fc.array(fc.oneof(text, number), { maxLength: 3 }),
  evidence: (node) => oneOrMany(node),
  criteria: (node) => fc.oneof(node, iri),
  source: (node) => fc.oneof(iri, node),
  identifier: (node) => fc.array(node, { maxLength: 2 }),
  tag: () => fc.array(text, { maxLength: 3 }),
  ...GRAPH_TERMS,
};

const INLINE_TERMS: Pool = {
  tagged: () => oneOrMany(fc.oneof(text, number)),
  untagged: () => text,
  rtl: () => oneOrMany(text),
  json: () => jsonLiteralValue(3),
  listed: (node) => fc.array(fc.oneof(literal, node, iri), { maxLength: 4 }),
  bag: (node) => fc.array(fc.oneof(literal, node), { maxLength: 3 }),
  ref: () => oneOrMany(fc.oneof(iri, number)),
  vocabRef: () => fc.constantFrom('Thing', 'Scoped', 'ex:x', 'https://example.org/v'),
  dbl: () => fc.oneof(number, fc.constantFrom('1.5', 'abc', '1e3')),
  int: () => fc.oneof(number, fc.constantFrom('12', '-0')),
  day: () => fc.constantFrom(...DATES),
  note: () => oneOrMany(literal),
  inner: () => iri,
  deep: () => literal,
  wrapper: (node) => node,
  name: () => literal,
  ...GRAPH_TERMS,
};

/** `@vocab` of the examples context: any term is defined. */
const VOCAB_TERMS: Pool = {
  ...OB_TERMS,
  skill: () => oneOrMany(literal),
  shoeSize: () => number,
  'ex:full': () => literal,
  'https://example.org/absolute': () => literal,
};

/** Rarely, what safe mode refuses: the compiled walk must leave it to jsonld.js (which refuses it). */
const REFUSED: Pool = {
  undefinedTerm: () => text,
  '@index': () => text,
  '@graph': (node) => fc.array(node, { maxLength: 1 }),
};

/** A node with a few of the pool's terms (and sometimes an @id and @type), nesting at most `depth` more levels. */
function nodeOf(pool: Pool, types: string[], depth: number, refused: boolean): fc.Arbitrary<Json> {
  const child = depth <= 0 ? fc.record({ id: iri }) : fc.constant(null).chain(() => nodeOf(pool, types, depth - 1, refused));
  const terms = Object.keys(pool);
  const extra = refused ? Object.keys(REFUSED) : [];
  return fc.record({
    id: fc.option(fc.oneof({ weight: 12, arbitrary: iri }, { weight: 2, arbitrary: fc.constantFrom('_:x', '_:y') }, fc.constant('relative/path')), { nil: undefined }),
    type: fc.option(oneOrMany(fc.constantFrom(...types)), { nil: undefined }),
    keys: fc.subarray([...terms, ...extra], { maxLength: depth > 1 ? 4 : 3 }),
  }).chain(({ id, type, keys }) => fc.tuple(...keys.map((key) => fc.oneof({ weight: 8, arbitrary: (pool[key] ?? REFUSED[key]!)(child) }, fc.constant(null))))
    .map((values) => {
      const node: Json = {};
      if (id !== undefined) node.id = id;
      if (type !== undefined) node.type = type;
      keys.forEach((key, i) => { node[key] = values[i]; });
      return node;
    }));
}

interface Shape { context: unknown[]; pool: Pool; types: string[] }

const SHAPES: Shape[] = [
  { context: [VC2, OB], pool: OB_TERMS, types: TYPES_OB },
  { context: [VC2, OB, EXAMPLES], pool: VOCAB_TERMS, types: TYPES_OB },
  { context: [VC2, EXAMPLES], pool: VOCAB_TERMS, types: [...TYPES_OB, 'ExampleThing'] },
  { context: [VC1, EXAMPLES], pool: VOCAB_TERMS, types: [...TYPES_OB, 'ExampleThing'] },
  { context: [VC2, INLINE_CONTEXT], pool: INLINE_TERMS, types: TYPES_INLINE },
  { context: [VC2, OB, INLINE_CONTEXT], pool: { ...OB_TERMS, ...INLINE_TERMS }, types: [...TYPES_OB, ...TYPES_INLINE] },
  { context: [VC2, { ...INLINE_CONTEXT, '@protected': true }], pool: INLINE_TERMS, types: TYPES_INLINE },
];

/** A credential-shaped document: the context list, credential types, an issuer, dates and a generated subject. */
export const credentialVariant: fc.Arbitrary<Json> = fc.record({
  shape: fc.integer({ min: 0, max: SHAPES.length - 1 }),
  refused: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  embeddedContext: fc.boolean(),
}).chain(({ shape, refused, embeddedContext }) => {
  const { context, pool, types } = SHAPES[shape]!;
  const v1 = context[0] === VC1;
  return fc.record({
    subject: oneOrMany(nodeOf(pool, types, 3, refused)),
    issuer: fc.oneof(iri, fc.record({ id: iri, type: fc.constantFrom(...types).map((type) => [type]), name: literal })),
    id: fc.option(iri, { nil: undefined }),
    date: fc.constantFrom(...DATES),
  }).map(({ subject, issuer, id, date }) => {
    const document: Json = {
      '@context': context,
      ...(id === undefined ? {} : { id }),
      type: v1 ? ['VerifiableCredential'] : ['VerifiableCredential', context.includes(OB) ? 'OpenBadgeCredential' : context.includes(EXAMPLES) ? 'ExampleCredential' : 'Thing'],
      issuer,
      [v1 ? 'issuanceDate' : 'validFrom']: date,
      credentialSubject: subject,
    };
    if (embeddedContext && !Array.isArray(subject)) {
      subject['@context'] = { ex2: 'https://example.org/two#', extra: { '@id': 'ex2:extra', '@type': '@id' } };
      subject.extra = ['ex2:item', 'https://example.org/other'];
    }
    return document;
  });
});
