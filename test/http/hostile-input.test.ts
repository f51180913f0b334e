import t from 'tap';
import type { InjectOptions } from 'fastify';
import { buildTestApp, plainCredential } from '../helpers/app.js';

t.test('malformed and hostile requests get problem+json with a stable code, never a 500', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  // Built as text: serialising 5,000 levels would exhaust the test's own stack.
  const deep = `{"verifiableCredential": ${'{"nested": '.repeat(5000)}true${'}'.repeat(5000)}}`;
  const deepArray = `{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:1", "skill": ${'['.repeat(5000)}${']'.repeat(5000)}}}}`;
  const json = { 'content-type': 'application/json' };
  // [what, request, status, problem code, what the answer holds when it is not a problem]
  const cases: Array<[string, InjectOptions, number, string, Record<string, unknown>?]> = [
    ['bad JSON', { method: 'POST', url: '/credentials/verify', headers: json, payload: '{"verifiableCredential": ' }, 400, 'invalid-json'],
    ['wrong content type', { method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'text/plain' }, payload: 'hello' }, 415, 'unsupported-media-type'],
    ['empty body', { method: 'POST', url: '/credentials/verify', headers: json, payload: '' }, 400, 'empty-body'],
    ['body too large', { method: 'POST', url: '/credentials/verify', headers: json, payload: JSON.stringify({ verifiableCredential: { x: 'a'.repeat(2 * 1024 * 1024) } }) }, 413, 'body-too-large'],
    ['unknown route', { method: 'GET', url: '/no/such/thing' }, 404, 'unknown-route'],
    ['missing field', { method: 'POST', url: '/credentials/verify', payload: {} }, 400, 'invalid-request'],
    ['wrong type', { method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: 42 } }, 400, 'invalid-request'],
    ['array as credential', { method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: [1, 2] } }, 400, 'invalid-request'],
    ['deep nesting (verify)', { method: 'POST', url: '/credentials/verify', headers: json, payload: deep }, 400, 'too-deeply-nested'],
    ['deep arrays (issue)', { method: 'POST', url: '/credentials/issue', headers: { ...auth, ...json }, payload: deepArray }, 400, 'too-deeply-nested'],
    ['garbage JWT', { method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: 'not.a.jwt' } }, 400, 'invalid-jwt'],
    ['huge string claim', { method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential({ credentialSubject: { id: 'did:example:1', skill: 'x'.repeat(900_000) } }), options: { issuer: 'organisation' } } }, 201, '',
      { verifiableCredential: { credentialSubject: { skill: /^x{900000}$/ } } }],
    ['null credential', { method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: null } }, 400, 'invalid-request'],
    ['string as options', { method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: 'fast' } }, 400, 'invalid-request'],
    ['unknown context on verify', { method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: { ...plainCredential({ '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/ctx'] }), issuer: 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2', proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2', proofPurpose: 'assertionMethod', proofValue: 'z1111' } } } }, 400, '',
      { verified: false, checks: [{ id: 'proof', valid: false, message: /evil\.example\/ctx/ }] }],
    ['proto pollution keys', { method: 'POST', url: '/credentials/issue', headers: { ...auth, ...json }, payload: '{"credential": {"__proto__": {"admin": true}, "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:1"}}}' }, 400, 'invalid-json'],
    ['bad token format', { method: 'POST', url: '/credentials/issue', headers: { authorization: 'Basic abc' }, payload: { credential: plainCredential() } }, 401, 'unauthorized'],
    ['invalid slug', { method: 'POST', url: '/orgs', headers: ctx.admin, payload: { slug: '../../etc', name: { fr: 'x' }, country: 'MA', kind: 'training-centre' } }, 400, 'invalid-request'],
    ['unknown kind', { method: 'POST', url: '/orgs', headers: ctx.admin, payload: { slug: 'abc', name: { fr: 'x' }, country: 'MA', kind: 'bank' } }, 400, 'invalid-request'],
    ['token lifetime too long', { method: 'POST', url: '/orgs/ofppt-casa/tokens', headers: ctx.admin, payload: { scopes: ['issue'], expiresIn: '5000d' } }, 400, 'invalid-expires-in'],
    ['unknown status list', { method: 'GET', url: '/status/does-not-exist' }, 404, 'unknown-status-list'],
  ];
  for (const [what, request, status, code, kept] of cases) {
    const response = await ctx.app.inject(request);
    t.equal(response.statusCode, status, what, { body: response.body.slice(0, 300) });
    t.ok(response.statusCode < 500, `${what} is not a server error`);
    if (code) {
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', what);
      t.equal(response.json().code, code, what);
      t.ok(response.json().detail.length > 10, `${what} says what to fix`);
    }
    if (kept) t.match(response.json(), kept, `${what}: ${status === 201 ? 'what was kept' : 'which check failed'}`);
  }
});

t.test('fastify validation never changes a credential: numbers stay numbers, unknown members stay', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const credential = plainCredential({ credentialSubject: { id: 'did:example:1', skill: 'masonry', hours: 120, certified: 'true', extra: { '@value': '12', '@type': 'http://www.w3.org/2001/XMLSchema#integer' } } });
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201, 'issued status', { body: issued.body });
  const vc = issued.json().verifiableCredential;
  t.same(vc.credentialSubject, credential.credentialSubject);
  const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { anything: 1 } } });
  t.equal(verified.json().verified, true);
  t.same(verified.json().credential, vc, 'the verified credential comes back byte for byte');
});

// Found by the fuzz run on PostgreSQL: a %00 in an id reached a text query, which PostgreSQL refuses (a 500).
t.test('a NUL character (%00) in the address is a 400 invalid-character, on every engine', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  for (const url of ['/w/PigzJzA5g42A9kdxrP_NWplFg91O78gi1ExjtTMlxm0/credentials/%00/credential.json', '/orgs/ofppt-casa%00', '/skills?q=ma%00on']) {
    const response = await ctx.app.inject({ method: 'GET', url, headers: auth });
    t.same({ status: response.statusCode, code: response.json().code }, { status: 400, code: 'invalid-character' }, url.split('?')[0]!.slice(0, 20));
  }
});
