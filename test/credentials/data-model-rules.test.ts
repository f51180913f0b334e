import fs from 'node:fs';
import t, { type Test } from 'tap';
import { buildTestApp, openBadgeCredential, plainCredential } from '../helpers/app.js';

type Json = Record<string, any>;

const V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
const SRI = 'sha384-' + 'A'.repeat(64);
const ISSUE_CODES = ['missing-issuer', 'issuer-mismatch', 'invalid-credential-subject', 'credential-schema-without-type', 'refresh-service-without-type',
  'invalid-related-resource', 'duplicate-related-resource-id', 'related-resource-without-digest', 'invalid-credential-status', 'status-managed-by-service',
  'duplicate-credential-id'];

async function setUp(t: Test) {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer();
  const issue = (credential: Json, options: Json = {}) =>
    ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: { issuer: did, ...credential }, options } });
  return { ctx, did, auth, issue };
}

function refusedWith(t: Test, response: { statusCode: number; json(): any; headers: Json }, code: string, what: string) {
  t.equal(response.statusCode, 400, `${what}: 400`);
  t.equal(response.json().code, code, `${what}: ${code}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`);
}

t.test('credentialSubject must be an object or a non-empty array of objects, in VC 2.0 and 1.1', async (t) => {
  const { issue } = await setUp(t);
  const v1 = (subject: unknown) => ({ '@context': [V1_CONTEXT], type: ['VerifiableCredential'], credentialSubject: subject });
  t.equal((await issue(plainCredential({ credentialSubject: [{ id: 'did:example:a', skill: 'x' }, { id: 'did:example:b', skill: 'y' }] }))).statusCode, 201, 'an array of objects');
  t.equal((await issue(v1({ id: 'did:example:a' }))).statusCode, 201, 'VC 1.1: an object');
  const invalid: Array<[string, Json]> = [
    ['2.0: []', plainCredential({ credentialSubject: [] })],
    ['2.0: a string', plainCredential({ credentialSubject: 'did:example:a' })],
    ['2.0: an array with a string', plainCredential({ credentialSubject: [{ id: 'did:example:a' }, 'did:example:b'] })],
    ['1.1: []', v1([])],
    ['1.1: [null]', v1([null])],
  ];
  for (const [what, credential] of invalid) refusedWith(t, await issue(credential), 'invalid-credential-subject', what);
});

t.test('credentialSchema and refreshService entries must name their type', async (t) => {
  const { issue } = await setUp(t);
  const schema = { id: 'https://example.org/schemas/skill.json', type: 'JsonSchema' };
  const refresh = { id: 'https://example.org/refresh/1', type: 'VerifiableCredentialRefreshService2021' };
  t.equal((await issue(plainCredential({ credentialSchema: [schema], refreshService: refresh }))).statusCode, 201, 'both typed');
  const invalid: Array<[string, Json, string]> = [
    ['credentialSchema without type', { credentialSchema: { id: schema.id } }, 'credential-schema-without-type'],
    ['one of two credentialSchema without type', { credentialSchema: [schema, { id: schema.id }] }, 'credential-schema-without-type'],
    ['credentialSchema with an empty type', { credentialSchema: { id: schema.id, type: [] } }, 'credential-schema-without-type'],
    ['credentialSchema as a string', { credentialSchema: schema.id }, 'credential-schema-without-type'],
    ['refreshService without type', { refreshService: { id: refresh.id } }, 'refresh-service-without-type'],
    ['refreshService [] ', { refreshService: [] }, 'refresh-service-without-type'],
  ];
  for (const [what, extra, code] of invalid) refusedWith(t, await issue(plainCredential(extra)), code, what);
});

t.test('relatedResource is an array of objects with unique ids and a digest each', async (t) => {
  const { issue } = await setUp(t);
  const resource = (id: string, extra: Json = { digestSRI: SRI }) => ({ id, ...extra });
  const valid: Array<[string, Json[]]> = [
    ['digestSRI', [resource('https://example.org/a.json')]],
    ['digestMultibase', [resource('https://example.org/a.json', { digestMultibase: 'uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA' })]],
    ['two resources', [resource('https://example.org/a.json'), resource('https://example.org/b.json', { digestSRI: 'sha256-' + 'B'.repeat(43) + '=' })]],
  ];
  for (const [what, relatedResource] of valid) {
    const response = await issue(openBadgeCredential({ relatedResource }));
    t.equal(response.statusCode, 201, `${what}: issued`);
  }
  const invalid: Array<[string, unknown, string]> = [
    ['an array of strings', ['https://example.org/a.json'], 'invalid-related-resource'],
    ['one object, not an array', resource('https://example.org/a.json'), 'invalid-related-resource'],
    ['an empty array', [], 'invalid-related-resource'],
    ['an entry without id', [{ digestSRI: SRI }], 'invalid-related-resource'],
    ['a duplicate id', [resource('https://example.org/a.json'), resource('https://example.org/a.json')], 'duplicate-related-resource-id'],
    ['no digest', [{ id: 'https://example.org/a.json' }], 'related-resource-without-digest'],
    ['an SRI with md5', [resource('https://example.org/a.json', { digestSRI: 'md5-AAAA' })], 'invalid-related-resource'],
    ['a digestMultibase without a multibase prefix', [resource('https://example.org/a.json', { digestMultibase: '12345' })], 'invalid-related-resource'],
  ];
  for (const [what, relatedResource, code] of invalid) refusedWith(t, await issue(openBadgeCredential({ relatedResource })), code, what);
});

t.test('a credential must name its issuer, unless options.issuer asks for the organisation', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer();
  await ctx.issuer('other-centre');
  const other = (await ctx.services.repos.organisations.bySlug('other-centre'))!.did;
  const issue = (credential: Json, options: Json = {}) => ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options } });
  const asString = await issue(plainCredential({ issuer: did }));
  t.equal(asString.statusCode, 201, 'issuer as the DID');
  t.equal(asString.json().verifiableCredential.issuer, did);
  const asObject = await issue(plainCredential({ issuer: { id: did, name: 'Centre de formation' } }));
  t.equal(asObject.statusCode, 201, 'issuer as an object whose id is the DID');
  t.same(asObject.json().verifiableCredential.issuer, { id: did, name: 'Centre de formation' });
  const filled = await issue(plainCredential(), { issuer: 'organisation' });
  t.equal(filled.statusCode, 201, 'options.issuer "organisation"');
  t.equal(filled.json().verifiableCredential.issuer, did, 'filled in with the DID');

  refusedWith(t, await issue(plainCredential()), 'missing-issuer', 'no issuer');
  t.match((await issue(plainCredential())).json().detail, did, 'missing-issuer names the DID to use');
  refusedWith(t, await issue(plainCredential({ issuer: other })), 'issuer-mismatch', 'another organisation\'s DID');
  refusedWith(t, await issue(plainCredential({ issuer: { id: other } })), 'issuer-mismatch', 'an object with another DID');
  refusedWith(t, await issue(plainCredential({ issuer: other }), { issuer: 'organisation' }), 'issuer-mismatch', 'another DID with options.issuer');
  refusedWith(t, await issue(plainCredential(), { issuer: 'anyone' }), 'invalid-request', 'options.issuer other than "organisation"');
});

t.test('the OpenAPI description of POST /credentials/issue and the README name every refusal code', async (t) => {
  const ctx = await buildTestApp(t);
  const openapi = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const description = String(openapi.paths['/credentials/issue'].post.description);
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const code of ISSUE_CODES) {
    t.match(description, code, `OpenAPI names ${code}`);
    t.ok(readme.includes(code), `README names ${code}`);
  }
});
