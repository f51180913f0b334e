import t, { type Test } from 'tap';
import { buildTestApp, plainCredential, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

const elsewhere = { id: 'https://status.example.org/lists/3#94567', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '94567', statusListCredential: 'https://status.example.org/lists/3' };
const otherMethod = { type: 'ExampleStatusMethod', note: 'kept by the awarding body' };

async function setUp(t: Test) {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issue = (credentialStatus: unknown, options: Json = {}) => ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: { credential: plainCredential(credentialStatus === undefined ? {} : { credentialStatus }), options: { issuer: 'organisation', ...options } },
  });
  const verify = async (verifiableCredential: unknown) => (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })).json();
  return { ctx, issue, verify };
}

const statusEntriesRecorded = async (ctx: TestApp, id: string) => (await ctx.services.repos.credentials.statusEntriesOf(id)).length;

t.test('status entries the credential brings are signed as given, after the service\'s own entry', async (t) => {
  const { issue, verify } = await setUp(t);
  const one = await issue(elsewhere);
  t.equal(one.statusCode, 201, 'one entry kept elsewhere: 201');
  const vc = one.json().verifiableCredential;
  t.equal(vc.credentialStatus.length, 2, 'two entries');
  t.equal(vc.credentialStatus[0].statusPurpose, 'revocation', 'the service\'s revocation entry first');
  t.match(vc.credentialStatus[0].statusListCredential, /^http:\/\/passerelle\.test\/status\//, 'in the service\'s list');
  t.same(vc.credentialStatus[1], elsewhere, 'the caller\'s entry unchanged');
  const result = await verify(vc);
  t.equal(result.checks.find((c: Json) => c.id === 'proof').valid, true, 'signed with the entry');
  const status = result.checks.find((c: Json) => c.id === 'status');
  t.equal(status.valid, false, 'a list hosted elsewhere is not fetched');
  t.ok(result.problemDetails.some((p: Json) => p.type.endsWith('#STATUS_RETRIEVAL_ERROR')), 'reported as STATUS_RETRIEVAL_ERROR');

  const two = await issue([elsewhere, otherMethod], { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } });
  t.equal(two.statusCode, 201, 'two entries and a suspension entry: 201');
  t.same(two.json().verifiableCredential.credentialStatus.map((s: Json) => s.statusPurpose ?? s.type), ['revocation', 'suspension', 'revocation', 'ExampleStatusMethod'], 'service entries, then the caller\'s');
});

t.test('options.credentialStatus false leaves the service\'s entries out', async (t) => {
  const { ctx, issue, verify } = await setUp(t);
  const withOwn = await issue(elsewhere, { credentialStatus: false });
  t.equal(withOwn.statusCode, 201, 'with an entry of its own: 201');
  t.same(withOwn.json().verifiableCredential.credentialStatus, elsewhere, 'only the caller\'s entry');
  t.equal(await statusEntriesRecorded(ctx, withOwn.json().verifiableCredential.id), 0, 'no index taken');
  const none = await issue(undefined, { credentialStatus: false });
  t.equal(none.statusCode, 201, 'without any: 201');
  t.notOk('credentialStatus' in none.json().verifiableCredential, 'no credentialStatus at all');
  const result = await verify(none.json().verifiableCredential);
  t.equal(result.verified, true, 'verifies');
  t.notOk(result.checks.some((c: Json) => c.id === 'status'), 'no status check');
});

t.test('malformed status entries, and entries in the service\'s own lists, are refused', async (t) => {
  const { issue } = await setUp(t);
  const cases: Array<[string, unknown, string]> = [
    ['no type', { id: 'https://status.example.org/lists/3#1', statusPurpose: 'revocation' }, 'invalid-credential-status'],
    ['an empty type', [{ type: [] }], 'invalid-credential-status'],
    ['a string', 'https://status.example.org/lists/3#1', 'invalid-credential-status'],
    ['an id that is not a URL', { ...elsewhere, id: 'list 3, index 1' }, 'invalid-credential-status'],
    ['one bad entry of two', [elsewhere, { id: 'https://status.example.org/x' }], 'invalid-credential-status'],
    ['an index of the service\'s list', { ...elsewhere, id: 'http://passerelle.test/status/abc#5', statusListCredential: 'http://passerelle.test/status/abc' }, 'status-managed-by-service'],
  ];
  for (const [what, credentialStatus, code] of cases) {
    const response = await issue(credentialStatus);
    t.equal(response.statusCode, 400, `${what}: 400`);
    t.equal(response.json().code, code, `${what}: ${code}`);
  }
});
