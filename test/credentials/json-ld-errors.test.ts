import jsonld from 'jsonld';
import t from 'tap';
import { createDocumentLoader } from '../../src/credentials/documentLoader.js';
import { jsonLdProblem } from '../../src/credentials/jsonLdErrors.js';
import type { DidDocument } from '../../src/credentials/didResolver.js';
import { buildTestApp, plainCredential } from '../helpers/app.js';

type Json = Record<string, any>;
const V2 = 'https://www.w3.org/ns/credentials/v2';

t.test('JSON-LD refusals at issuance name what to fix, in the detail and as a member', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const problemOf = async (credential: Json) => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } });
    t.equal(response.statusCode, 400);
    return response.json() as Json;
  };
  const term = await problemOf(plainCredential({ '@context': [V2], credentialSubject: { id: 'did:example:1', favouriteTool: 'trowel' } }));
  t.match(term, { code: 'undefined-term', term: 'favouriteTool' });
  t.equal(term.detail, 'The term "favouriteTool" is not defined by the credential\'s @context; define it in a context, use a full IRI, or remove it');
  const type = await problemOf(plainCredential({ '@context': [V2], type: ['VerifiableCredential', 'MysteryCredential'], credentialSubject: { id: 'did:example:1' } }));
  t.match(type, { code: 'undefined-term', term: 'MysteryCredential' });
  t.equal(type.detail, 'The type "MysteryCredential" is not defined by the credential\'s @context; add the context that defines it or use a full IRI');
  const language = await problemOf(plainCredential({ name: { '@value': 'Maçon', '@language': 'not a tag!' } }));
  t.match(language, { code: 'invalid-json-ld', jsonLdCode: 'invalid @language value' });
  t.equal(language.detail, 'The credential is not valid JSON-LD in safe mode (invalid @language value): fix or remove the offending value');
  const relative = await problemOf(plainCredential({ credentialSubject: { id: 'did:example:1', skill: { '@id': 'relative' } } }));
  t.match(relative, { code: 'invalid-json-ld', jsonLdCode: 'relative @id reference' });
  const context = 'https://example.org/my-context.jsonld';
  const unknown = await problemOf(plainCredential({ '@context': [V2, context] }));
  t.match(unknown, { code: 'unknown-context', context });
  t.equal(unknown.detail, `The context ${context} is not bundled with this service and is never fetched; GET /contexts lists the contexts it knows`);
  const syntax = await problemOf(plainCredential({ '@context': [V2, { trowel: { '@id': 5 } }] }));
  t.equal(syntax.code, 'invalid-json-ld');
  t.equal(syntax.detail, 'The credential is not valid JSON-LD: Invalid JSON-LD syntax; a @context @id value must be an array of strings or a string.');
});

t.test('the document loader answers bundled contexts and DIDs, and refuses anything else by name', async (t) => {
  const did = 'did:example:issuer';
  const didDocument: DidDocument = {
    '@context': ['https://www.w3.org/ns/did/v1'], id: did,
    verificationMethod: [{ id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: 'z6Mk' }],
  };
  const loader = createDocumentLoader(async (asked) => {
    if (asked !== did) throw new Error(`cannot resolve ${asked}`);
    return didDocument;
  });
  t.same((await loader(V2)).documentUrl, V2, 'a bundled context');
  t.same((await loader(did)).document, didDocument, 'a DID: its document');
  t.same((await loader(`${did}#key-1`)).document, { '@context': ['https://www.w3.org/ns/did/v1'], ...didDocument.verificationMethod![0] },
    'a verification method: the method, with the DID document\'s context');
  await t.rejects(loader(`${did}#key-9`), { message: `verification method ${did}#key-9 is not in the DID document of ${did}` });
  await t.rejects(loader('https://example.org/anything'), {
    message: 'Document https://example.org/anything is not bundled with this service and is never fetched over the network; only the contexts listed in GET /contexts can be used',
  });
});

t.test('a jsonld.js error is found among the causes of another, five errors deep at most', async (t) => {
  const loader = createDocumentLoader(async (did) => { throw new Error(`cannot resolve ${did}`); });
  const expansionError = (document: Json) => jsonld.expand(document, { documentLoader: loader, safe: true } as never).then(
    () => { throw new Error('expanded without an error'); }, (error: unknown) => error);
  const undefinedTerm = await expansionError({ '@context': [V2], favouriteTool: 'trowel' });
  const expected = { code: 'undefined-term', extra: { term: 'favouriteTool' } };
  t.match(jsonLdProblem(undefinedTerm), expected, 'thrown as such');
  t.match(jsonLdProblem(new Error('signing failed', { cause: undefinedTerm })), expected, 'as the cause of another error');
  t.match(jsonLdProblem({ name: 'SignatureError', details: { cause: undefinedTerm } }), expected, 'as the cause in details');
  const wrapped = (error: unknown, times: number): unknown => (times === 0 ? error : wrapped(new Error(`wrapper ${times}`, { cause: error }), times - 1));
  t.match(jsonLdProblem(wrapped(undefinedTerm, 4)), expected, 'under four wrappers');
  t.equal(jsonLdProblem(wrapped(undefinedTerm, 5)), undefined, 'not under five');
  const unknownContext = await expansionError({ '@context': [V2, 'https://example.org/unknown.jsonld'] });
  t.match(jsonLdProblem(unknownContext), { code: 'unknown-context', extra: { context: 'https://example.org/unknown.jsonld' } }, 'an unknown context, its loader error beneath');
});

t.test('anything else is not a JSON-LD problem', async (t) => {
  const cycle = new Error('cycle');
  cycle.cause = cycle;
  const notJsonLd: Array<[string, unknown]> = [
    ['undefined', undefined], ['null', null], ['a string', 'jsonld.SyntaxError'], ['an error without a cause', new TypeError('x is undefined')],
    ['a name that is not a string', { name: ['jsonld.SyntaxError'] }], ['a name that only resembles', { name: 'jsonldSyntaxError' }],
    ['an error that causes itself', cycle],
  ];
  for (const [what, error] of notJsonLd) t.equal(jsonLdProblem(error), undefined, what);
});
