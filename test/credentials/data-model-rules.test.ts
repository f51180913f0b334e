import fs from 'node:fs';
import t, { type Test } from 'tap';
import { dataModelProblem } from '../../src/credentials/dataModelRules.js';
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

t.test('each rule called directly: the problem\'s code, detail and members', async (t) => {
  const problemOf = (credential: Json) => {
    const problem = dataModelProblem({ credentialSubject: { id: 'did:example:a' }, ...credential });
    return problem && { code: problem.code, detail: problem.detail, ...problem.extra };
  };
  const subject = { code: 'invalid-credential-subject', detail: 'credentialSubject must be an object or a non-empty array of objects (VC Data Model 2.0 §4.8)' };
  const related = { code: 'invalid-related-resource', detail: 'relatedResource must be a non-empty array of objects, each {"id": <URL>, "digestSRI" or "digestMultibase"} (VC Data Model 2.0 §5.3)' };
  const id = 'https://example.org/a.json';
  const cases: Array<[string, Json, Json | undefined]> = [
    ['everything in order', {
      credentialSchema: [{ type: 'JsonSchema' }, { type: ['JsonSchema', 'Other'] }], refreshService: { type: 'Refresh' },
      relatedResource: [{ id, digestSRI: SRI }, { id: 'https://example.org/b.json', digestMultibase: 'zQm' }, { id: 'https://example.org/c.json', digestMultibase: 'uEi' }],
      credentialStatus: [{ type: 'BitstringStatusListEntry', id: 'https://example.org/status/1#4' }, { type: ['A'] }],
    }, undefined],
    ['no subject (the shape check says so)', { credentialSubject: undefined }, undefined],
    ['subjects: an array of two objects', { credentialSubject: [{ id: 'did:example:a' }, {}] }, undefined],
    ['subject: []', { credentialSubject: [] }, subject],
    ['subject: null', { credentialSubject: null }, subject],
    ['subject: an array', { credentialSubject: [[{}]] }, subject],
    ['schema: no type', { credentialSchema: { id } }, { code: 'credential-schema-without-type', detail: 'Every credentialSchema entry must be an object with a "type" (VC Data Model 2.0); entry 0 has none', property: 'credentialSchema' }],
    ['schema: the second untyped', { credentialSchema: [{ type: 'JsonSchema' }, { type: '' }] }, { code: 'credential-schema-without-type', detail: 'Every credentialSchema entry must be an object with a "type" (VC Data Model 2.0); entry 1 has none', property: 'credentialSchema' }],
    ['schema: a type list with a number', { credentialSchema: { type: ['JsonSchema', 5] } }, { code: 'credential-schema-without-type', detail: 'Every credentialSchema entry must be an object with a "type" (VC Data Model 2.0); entry 0 has none', property: 'credentialSchema' }],
    ['schema: an empty type list', { credentialSchema: { type: [] } }, { code: 'credential-schema-without-type', detail: 'Every credentialSchema entry must be an object with a "type" (VC Data Model 2.0); entry 0 has none', property: 'credentialSchema' }],
    ['refresh: []', { refreshService: [] }, { code: 'refresh-service-without-type', detail: 'Every refreshService entry must be an object with a "type" (VC Data Model 2.0)', property: 'refreshService' }],
    ['refresh: a string', { refreshService: 'https://example.org/refresh' }, { code: 'refresh-service-without-type', detail: 'Every refreshService entry must be an object with a "type" (VC Data Model 2.0); entry 0 has none', property: 'refreshService' }],
    ['related: []', { relatedResource: [] }, related],
    ['related: an object', { relatedResource: { id, digestSRI: SRI } }, related],
    ['related: null in the list', { relatedResource: [{ id, digestSRI: SRI }, null] }, related],
    ['related: an empty id', { relatedResource: [{ id: '', digestSRI: SRI }] }, { code: 'invalid-related-resource', detail: 'relatedResource entry 0 has no "id": each related resource names the URL it protects', index: 0 }],
    ['related: an id that is no string', { relatedResource: [{ id, digestSRI: SRI }, { id: 5, digestSRI: SRI }] }, { code: 'invalid-related-resource', detail: 'relatedResource entry 1 has no "id": each related resource names the URL it protects', index: 1 }],
    ['related: the same id twice', { relatedResource: [{ id, digestSRI: SRI }, { id, digestSRI: SRI }] }, { code: 'duplicate-related-resource-id', detail: `relatedResource names ${id} twice; each id may appear once (VC Data Model 2.0 §5.3)`, index: 1, id }],
    ['related: no digest', { relatedResource: [{ id }] }, { code: 'related-resource-without-digest', detail: `relatedResource ${id} has neither digestSRI nor digestMultibase; give the digest of the resource`, index: 0, id }],
    ...['md5-AAAA', 'sha256-AAAA sha384-AAAA', 'sha256-', 'sha256-AAA===', 5].map((digestSRI): [string, Json, Json] => [`related: digestSRI ${String(digestSRI)}`, { relatedResource: [{ id, digestSRI }] },
      { code: 'invalid-related-resource', detail: `relatedResource ${id}: digestSRI must be "sha256-", "sha384-" or "sha512-" followed by the base64 digest`, index: 0, id }]),
    ...['12345', 'muEi', 7].map((digestMultibase): [string, Json, Json] => [`related: digestMultibase ${String(digestMultibase)}`, { relatedResource: [{ id, digestMultibase }] },
      { code: 'invalid-related-resource', detail: `relatedResource ${id}: digestMultibase must be a multibase string (base64url "u…" or base58btc "z…")`, index: 0, id }]),
    ['status: untyped', { credentialStatus: [{ type: 'A' }, { id: 'https://example.org/s' }] }, { code: 'invalid-credential-status', detail: 'credentialStatus entry 1 must be an object with a "type" (VC Data Model 2.0 §4.10)', index: 1 }],
    ['status: a string', { credentialStatus: 'https://example.org/s' }, { code: 'invalid-credential-status', detail: 'credentialStatus entry 0 must be an object with a "type" (VC Data Model 2.0 §4.10)', index: 0 }],
    ['status: an id that is no URL', { credentialStatus: { type: 'A', id: 'status-1' } }, { code: 'invalid-credential-status', detail: 'credentialStatus entry 0: "id" must be a URL', index: 0 }],
    ['status: an id that is no string', { credentialStatus: { type: 'A', id: 1 } }, { code: 'invalid-credential-status', detail: 'credentialStatus entry 0: "id" must be a URL', index: 0 }],
    ['the first rule broken is the one named', { credentialSubject: [], credentialStatus: 'x' }, subject],
  ];
  for (const [what, credential, expected] of cases) t.same(problemOf(credential), expected, what);
});

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
