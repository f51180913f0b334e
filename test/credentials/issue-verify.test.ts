import t from 'tap';
import { buildTestApp, openBadgeCredential, plainCredential, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

async function issue(ctx: TestApp, auth: Json, credential: Json, options: Json = {}) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...options } } });
  return { response, vc: response.statusCode === 201 ? (response.json().verifiableCredential as Json) : undefined };
}

async function verify(ctx: TestApp, verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const body = response.json() as { verified: boolean; checks: Array<{ id: string; valid: boolean; message: string }>; problemDetails: Json[] };
  const check = (id: string) => body.checks.find((c) => c.id === id);
  return { response, body, check };
}

for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt']) {
  t.test(`an Open Badges 3.0 credential issued as ${format} verifies, with every check passing`, async (t) => {
    const ctx = await buildTestApp(t);
    const { auth, did } = await ctx.issuer();
    const { response, vc } = await issue(ctx, auth, openBadgeCredential(), { format });
    t.equal(response.statusCode, 201, 'response status', { body: response.body });
    if (format === 'vc+jwt') {
      t.equal(vc!.type, 'EnvelopedVerifiableCredential');
      t.match(vc!.id, /^data:application\/vc\+jwt,ey/);
    } else {
      t.equal(vc!.issuer, did);
      t.match(vc!.id, /^urn:uuid:/);
      t.ok(vc!.validFrom);
      t.equal(vc!.proof.cryptosuite, format);
      t.equal(vc!.credentialStatus.type, 'BitstringStatusListEntry');
      t.equal(vc!.credentialStatus.statusPurpose, 'revocation');
    }
    const result = await verify(ctx, vc);
    t.equal(result.response.statusCode, 200, 'response status', { body: result.response.body });
    t.equal(result.body.verified, true);
    t.same(result.body.checks.map((c) => c.id), ['proof', 'issuer', 'validity', 'status']);
    t.ok(result.body.checks.every((c) => c.valid));
  });
}

t.test('a compact JWT string verifies like its envelope', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { vc } = await issue(ctx, auth, plainCredential(), { format: 'vc+jwt' });
  const jwt = String(vc!.id).slice('data:application/vc+jwt,'.length);
  const result = await verify(ctx, jwt);
  t.equal(result.body.verified, true, 'verified', { checks: result.body.checks });
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  claims.credentialSubject.skill = 'Driving a tractor';
  const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  const tampered = await verify(ctx, forged);
  t.equal(tampered.response.statusCode, 400);
  t.equal(tampered.check('proof')?.valid, false);
});

t.test('changing any field of a signed credential fails the proof check', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
    const { vc } = await issue(ctx, auth, openBadgeCredential(), { format });
    const edits: Array<[string, (c: Json) => void]> = [
      ['name', (c) => { c.name = 'Maçonnerie avancée'; }],
      ['achievement name', (c) => { c.credentialSubject.achievement.name = 'Chef de chantier'; }],
      ['alignment level', (c) => { c.credentialSubject.achievement.alignment[0].targetCode = '5'; }],
      ['validFrom', (c) => { c.validFrom = '2020-01-01T00:00:00Z'; }],
      ['status index', (c) => { c.credentialStatus.statusListIndex = String(Number(c.credentialStatus.statusListIndex) + 1); }],
      ['proof created', (c) => { c.proof.created = '2021-01-01T00:00:00Z'; }],
    ];
    for (const [what, edit] of edits) {
      const copy = structuredClone(vc!);
      edit(copy);
      const result = await verify(ctx, copy);
      t.equal(result.response.statusCode, 400, `${format}: ${what}`);
      t.equal(result.check('proof')?.valid, false, `${format}: ${what} fails proof`);
      t.equal(result.body.verified, false);
    }
  }
});

t.test('revocation fails the status check, and cannot be undone', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { vc } = await issue(ctx, auth, openBadgeCredential());
  const revoke = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc!.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.equal(revoke.statusCode, 200, 'revoke status', { body: revoke.body });
  const result = await verify(ctx, vc);
  t.equal(result.response.statusCode, 400);
  t.same(result.check('status'), { id: 'status', valid: false, message: 'Revoked by its issuer' });
  t.equal(result.check('proof')?.valid, true, 'the signature itself is still valid');
  const undo = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc!.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: false },
  });
  t.equal(undo.statusCode, 400);
  t.equal(undo.json().code, 'revocation-is-final');
});

t.test('suspension fails the status check and lifting it makes it pass again', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { vc } = await issue(ctx, auth, openBadgeCredential(), { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } });
  t.same(vc!.credentialStatus.map((s: Json) => s.statusPurpose), ['revocation', 'suspension']);
  const setSuspension = (status: boolean) => ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc!.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' }, status },
  });
  t.equal((await setSuspension(true)).statusCode, 200);
  const suspended = await verify(ctx, vc);
  t.equal(suspended.check('status')?.message, 'Suspended by its issuer');
  t.equal(suspended.body.verified, false);
  t.equal((await setSuspension(false)).statusCode, 200);
  const lifted = await verify(ctx, vc);
  t.equal(lifted.body.verified, true, 'verified', { checks: lifted.body.checks });
});

t.test('status of an unknown credential is a 404', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000000', credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.equal(response.statusCode, 404);
  t.equal(response.json().code, 'unknown-credential');
});

t.test('an expired credential fails the validity check only', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const validUntil = new Date(ctx.clock.current.getTime() + 365 * 86400_000).toISOString().slice(0, 19) + 'Z';
  const { vc } = await issue(ctx, auth, plainCredential({ validUntil }));
  t.equal((await verify(ctx, vc)).body.verified, true);
  ctx.clock.advance(366 * 86400_000);
  const result = await verify(ctx, vc);
  t.equal(result.body.verified, false);
  t.equal(result.check('validity')?.valid, false);
  t.match(result.check('validity')?.message, /^Expired on/);
  t.equal(result.check('proof')?.valid, true);
});

t.test('after key rotation, credentials signed with the old and the new key both verify', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, slug } = await ctx.issuer();
  const before = (await issue(ctx, auth, openBadgeCredential())).vc!;
  const rotate = await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: ctx.admin });
  t.equal(rotate.statusCode, 200, 'rotate status', { body: rotate.body });
  const after = (await issue(ctx, auth, openBadgeCredential())).vc!;
  t.not(before.proof.verificationMethod, after.proof.verificationMethod);
  const newEd25519 = rotate.json().keys.find((key: { algorithm: string }) => key.algorithm === 'Ed25519');
  t.equal(after.proof.verificationMethod, newEd25519.verificationMethod);
  t.equal((await verify(ctx, before)).body.verified, true, 'old key');
  t.equal((await verify(ctx, after)).body.verified, true, 'new key');
  const did = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` });
  t.equal(did.json().verificationMethod.length, 4, 'both keys of each algorithm, current and retired');
});

t.test('VC 1.1 input is accepted and the Data Integrity context is added', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const credential = {
    '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/examples/v2'],
    type: ['VerifiableCredential'],
    credentialSubject: { id: 'did:example:worker-7', skill: 'Greenhouse irrigation' },
  };
  const { response, vc } = await issue(ctx, auth, credential);
  t.equal(response.statusCode, 201, 'response status', { body: response.body });
  t.same(vc!['@context'], [...credential['@context'], 'https://w3id.org/security/data-integrity/v2', 'https://www.w3.org/ns/credentials/status/v1'], 'the Data Integrity and status contexts added');
  t.same([typeof vc!.issuanceDate, vc!.validFrom], ['string', undefined], 'issuanceDate filled in, not VC 2.0\'s validFrom');
  t.equal((await verify(ctx, vc)).body.verified, true);
  t.equal((await ctx.services.repos.credentials.byId(vc!.id))!.subjectId, 'did:example:worker-7', 'recorded with its subject');
  const { vc: dated } = await issue(ctx, auth, { ...credential, issuanceDate: '2026-01-05T08:00:00Z' });
  t.equal(dated!.issuanceDate, '2026-01-05T08:00:00Z', 'an issuanceDate given is kept');
});

t.test('a did:key organisation issues credentials that verify without any DID hosting', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer('assessor-key', { didMethod: 'key', kind: 'assessment-body' });
  t.match(did, /^did:key:z6Mk/);
  const { vc } = await issue(ctx, auth, plainCredential());
  t.equal(vc!.proof.verificationMethod, `${did}#${did.slice('did:key:'.length)}`);
  t.equal((await verify(ctx, vc)).body.verified, true);
});

t.test('issuance refuses what it cannot sign honestly, with a code and a detail', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const cases: Array<[string, Json, Json, string, RegExp]> = [
    // The W3C examples context maps every term (@vocab), so these cases use the core context alone.
    ['undefined term', plainCredential({ '@context': ['https://www.w3.org/ns/credentials/v2'], credentialSubject: { id: 'did:example:1', favouriteTool: 'trowel' } }), {}, 'undefined-term', /"favouriteTool"/],
    ['undefined term in OB3', openBadgeCredential({ shoeSize: 42 }), {}, 'undefined-term', /"shoeSize"/],
    ['undefined type', plainCredential({ type: ['VerifiableCredential', 'MysteryCredential'], '@context': ['https://www.w3.org/ns/credentials/v2'], credentialSubject: { id: 'did:example:1' } }), {}, 'undefined-term', /MysteryCredential/],
    ['undefined term in jwt', plainCredential({ '@context': ['https://www.w3.org/ns/credentials/v2'] }), { format: 'vc+jwt' }, 'undefined-term', /"skill"/],
    ['unknown context', plainCredential({ '@context': ['https://www.w3.org/ns/credentials/v2', 'https://example.org/my-context.jsonld'] }), {}, 'unknown-context', /example\.org\/my-context/],
    ['foreign issuer', plainCredential({ issuer: 'did:web:other.example' }), {}, 'issuer-mismatch', /must be this organisation's DID/],
    ['no context', { type: ['VerifiableCredential'], credentialSubject: {} }, {}, 'invalid-context', /must start with/],
    ['unknown format', plainCredential(), { format: 'bbs-2023' }, 'invalid-request', /format/],
    ['status in a list of the service, set by the caller', plainCredential({ credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'http://passerelle.test/status/any' } }), {}, 'status-managed-by-service', /options.credentialStatus/],
  ];
  for (const [what, credential, options, code, detail] of cases) {
    const { response } = await issue(ctx, auth, credential, options);
    t.equal(response.statusCode, 400, what);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', what);
    t.equal(response.json().code, code, what, { body: response.body });
    t.match(response.json().detail, detail, what);
  }
});

t.test('an issuer given as an object with the organisation DID is accepted', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer();
  const { response, vc } = await issue(ctx, auth, openBadgeCredential({ issuer: { id: did, type: ['Profile'], name: 'OFPPT Casablanca' } }));
  t.equal(response.statusCode, 201, 'response status', { body: response.body });
  t.equal((await verify(ctx, vc)).body.verified, true);
});

t.test('each issued credential is recorded with its hash, types and status entries', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { vc } = await issue(ctx, auth, openBadgeCredential());
  const record = (await ctx.services.repos.credentials.byId(vc!.id))!;
  t.same(record.types, ['VerifiableCredential', 'OpenBadgeCredential']);
  t.equal(record.subjectId, null, 'a subject without id');
  t.equal(typeof vc!.validFrom, 'string', 'validFrom filled in');
  const { vc: dated } = await issue(ctx, auth, openBadgeCredential({ validFrom: '2026-01-05T08:00:00Z' }));
  t.equal(dated!.validFrom, '2026-01-05T08:00:00Z', 'a validFrom given is kept');
  t.equal(record.format, 'eddsa-rdfc-2022');
  t.match(record.sha256, /^[0-9a-f]{64}$/);
  const entries = await ctx.services.repos.credentials.statusEntriesOf(vc!.id);
  t.equal(entries.length, 1);
  t.equal(String(entries[0]!.statusIndex), vc!.credentialStatus.statusListIndex);
});

t.test('what issuance keeps as sent: VC 2.0 contexts, no status when none is asked for; who can be offered the credential', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const { vc } = await issue(ctx, auth, openBadgeCredential());
  t.same(vc!['@context'], openBadgeCredential()['@context'], 'VC 2.0 contexts unchanged');
  const { vc: withoutStatus } = await issue(ctx, auth, openBadgeCredential(), { credentialStatus: false });
  t.notOk('credentialStatus' in withoutStatus!, 'credentialStatus false: no credentialStatus member at all');
  const holder = { name: 'Kofi Mensah', phone: '+233 20 123 4567' };
  const v11 = { '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/examples/v2'], type: ['VerifiableCredential'], credentialSubject: { skill: 'Pruning' } };
  t.equal((await issue(ctx, auth, v11, { holder })).response.statusCode, 201, 'a VC 1.1 credential with a Data Integrity proof can be offered');
  t.equal((await issue(ctx, auth, openBadgeCredential(), { format: 'vc+jwt', holder })).response.statusCode, 201, 'a VC 2.0 credential as vc+jwt can be offered');
});

t.test('each failed check is one problem detail, typed as the VC Data Model names the error', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const validUntil = new Date(ctx.clock.current.getTime() + 365 * 86400_000).toISOString().slice(0, 19) + 'Z';
  const { vc } = await issue(ctx, auth, openBadgeCredential({ validUntil }));
  const problemOf = (result: Awaited<ReturnType<typeof verify>>, id: string, type: string) =>
    ({ type, title: `${id} check failed`, detail: result.check(id)?.message });

  t.same((await verify(ctx, vc)).body.problemDetails, [], 'none when verified');

  const tampered = structuredClone(vc!);
  tampered.name = 'Maçonnerie avancée';
  const forged = await verify(ctx, tampered);
  t.same(forged.body.problemDetails, [problemOf(forged, 'proof', 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR')], 'forged');

  const revoke = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc!.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.equal(revoke.statusCode, 200, 'revoke status', { body: revoke.body });
  const revoked = await verify(ctx, vc);
  t.same(revoked.body.problemDetails, [problemOf(revoked, 'status', 'https://www.w3.org/TR/vc-bitstring-status-list#STATUS_VERIFICATION_ERROR')], 'revoked');

  ctx.clock.advance(366 * 86400_000);
  const expired = await verify(ctx, vc);
  t.same(expired.body.problemDetails, [
    problemOf(expired, 'validity', 'https://www.w3.org/TR/vc-data-model#RANGE_ERROR'),
    problemOf(expired, 'status', 'https://www.w3.org/TR/vc-bitstring-status-list#STATUS_VERIFICATION_ERROR'),
  ], 'expired and revoked, in check order');
});
