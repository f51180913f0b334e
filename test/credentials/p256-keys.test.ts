/**
 * P-256 keys beside Ed25519 (issue 15, item 3): did:web organisations hold one key of each, did:key organisations
 * choose theirs; ecdsa-rdfc-2019, ecdsa-jcs-2019 and ES256 vc+jwt issue and verify; rotation covers both keys.
 */
import crypto from 'node:crypto';
import t from 'tap';
import { CompactSign, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { buildTestApp, openBadgeCredential, plainCredential, sqlRun } from '../helpers/app.js';

type Json = Record<string, any>;
const VC2 = 'https://www.w3.org/ns/credentials/v2';

async function issue(auth: Json, options: Json = {}, credential: Json = openBadgeCredential()) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...options } } });
  return { response, vc: response.statusCode === 201 ? (response.json().verifiableCredential as Json) : undefined };
}

async function verify(verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const body = response.json() as { verified: boolean; checks: Json[] };
  return { response, body, check: (id: string) => body.checks.find((c) => c.id === id) };
}

const rotate = (slug: string, payload?: Json) =>
  ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: ctx.admin, ...(payload ? { payload } : {}) });

const jwtOf = (envelope: Json) => String(envelope.id).replace('data:application/vc+jwt,', '');

// One app for the whole file (each test has organisations of its own): building an app per test cost most of its time.
const ctx = await buildTestApp(t);
let organisations = 0;
const newIssuer = (extra: Json = {}) => ctx.issuer(`p256-org-${++organisations}`, extra);

t.test('a did:web organisation gets an Ed25519 and a P-256 key, both in its DID document and its JWK Set', async (t) => {
  const { slug, did } = await newIssuer();
  const document = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` })).json();
  t.same(document.verificationMethod.map((vm: Json) => vm.id), [`${did}#key-1`, `${did}#key-2`]);
  t.ok(document.verificationMethod.every((vm: Json) => vm.type === 'Multikey' && vm.controller === did), 'Multikeys of the DID');
  t.match(document.verificationMethod[0].publicKeyMultibase, /^z6Mk/, 'key-1 is Ed25519');
  t.match(document.verificationMethod[1].publicKeyMultibase, /^zDna/, 'key-2 is P-256');
  t.same(document.assertionMethod, [`${did}#key-1`, `${did}#key-2`]);
  t.same(document.authentication, [`${did}#key-1`, `${did}#key-2`]);
  const view = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}` })).json();
  t.same(view.keys.map((key: Json) => key.algorithm), ['Ed25519', 'P-256']);
  const jwks = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/jwks.json` })).json();
  t.match(jwks.keys, [
    { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: `${did}#key-1`, use: 'sig' },
    { kty: 'EC', crv: 'P-256', alg: 'ES256', kid: `${did}#key-2`, use: 'sig' },
  ]);
  t.notOk(jwks.keys.some((key: Json) => 'd' in key), 'no private part');
});

for (const format of ['ecdsa-rdfc-2019', 'ecdsa-jcs-2019'] as const) {
  t.test(`a credential issued as ${format} is signed with the P-256 key and verifies; a changed one fails`, async (t) => {
      const { auth, did } = await newIssuer();
    const { response, vc } = await issue(auth, { format });
    t.equal(response.statusCode, 201, 'issued', { body: response.body });
    t.match(vc!.proof, { type: 'DataIntegrityProof', cryptosuite: format, verificationMethod: `${did}#key-2`, proofPurpose: 'assertionMethod' });
    const result = await verify(vc);
    t.equal(result.response.statusCode, 200, 'verified', { body: result.response.body });
    t.ok(result.body.checks.every((c) => c.valid), 'every check passes');
    t.equal(result.check('proof')?.message, `Signature valid (${format})`);
    const changed = await verify({ ...vc, name: 'Maçon en chef' });
    t.equal(changed.response.statusCode, 400, 'changed: 400');
    t.equal(changed.check('proof')?.valid, false, 'changed: the proof fails');
  });
}

t.test('vc+jwt with options.alg ES256 is signed with the P-256 key, for VC 2.0 and VC 1.1, and verifies', async (t) => {
  const { auth, did } = await newIssuer();
  const v2 = await issue(auth, { format: 'vc+jwt', alg: 'ES256' });
  t.equal(v2.response.statusCode, 201, 'VC 2.0 issued', { body: v2.response.body });
  t.match(decodeProtectedHeader(jwtOf(v2.vc!)), { alg: 'ES256', typ: 'vc+jwt', kid: `${did}#key-2` });
  const v2Result = await verify(v2.vc);
  t.equal(v2Result.response.statusCode, 200, 'VC 2.0 verified', { body: v2Result.response.body });
  t.equal(v2Result.check('proof')?.message, 'Signature valid (vc+jwt, ES256)');
  const v11Credential = { ...plainCredential(), '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/examples/v2'] };
  const v11 = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: v11Credential, options: { issuer: 'organisation', format: 'vc+jwt', alg: 'ES256' } } });
  t.equal(v11.statusCode, 201, 'VC 1.1 issued', { body: v11.body });
  t.match(decodeProtectedHeader(v11.json().verifiableCredential), { alg: 'ES256', typ: 'JWT' });
  t.equal((await verify(v11.json().verifiableCredential)).response.statusCode, 200, 'VC 1.1 verified');
  const eddsa = await issue(auth, { format: 'vc+jwt' });
  t.match(decodeProtectedHeader(jwtOf(eddsa.vc!)), { alg: 'EdDSA', kid: `${did}#key-1` }, 'EdDSA stays the default');
});

t.test('a JWS whose alg does not match its key type, or that names another alg, fails its proof check', async (t) => {
  const { auth, did } = await newIssuer();
  const es256 = jwtOf((await issue(auth, { format: 'vc+jwt', alg: 'ES256' })).vc!);
  const [, payload, signature] = es256.split('.');
  const relabel = (header: Json) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
  const envelope = (jwt: string) => ({ '@context': VC2, id: `data:application/vc+jwt,${jwt}`, type: 'EnvelopedVerifiableCredential' });
  const asEdDsa = await verify(envelope(relabel({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#key-2` })));
  t.equal(asEdDsa.response.statusCode, 400, 'EdDSA header on a P-256 key: 400');
  t.match(asEdDsa.check('proof')?.message, /EdDSA needs a Ed25519 key/);
  const es384 = await verify(envelope(relabel({ alg: 'ES384', typ: 'vc+jwt', cty: 'vc', kid: `${did}#key-2` })));
  t.equal(es384.response.statusCode, 400, 'ES384: 400');
  t.match(es384.check('proof')?.message, /must be signed with EdDSA or ES256/);
  const otherKey = await verify(envelope(relabel({ alg: 'ES256', typ: 'vc+jwt', cty: 'vc', kid: `${did}#key-1` })));
  t.equal(otherKey.check('proof')?.valid, false, 'ES256 naming the Ed25519 key fails');
});

t.test('options.alg is refused with a Data Integrity format; an unknown alg or format is refused', async (t) => {
  const { auth } = await newIssuer();
  const withSuite = await issue(auth, { format: 'ecdsa-rdfc-2019', alg: 'ES256' });
  t.equal(withSuite.response.statusCode, 400);
  t.equal(withSuite.response.json().code, 'alg-needs-jwt');
  const unknownAlg = await issue(auth, { format: 'vc+jwt', alg: 'RS256' });
  t.equal(unknownAlg.response.statusCode, 400);
  t.equal(unknownAlg.response.json().code, 'invalid-request');
  const unknownFormat = await issue(auth, { format: 'ecdsa-sd-2023' });
  t.equal(unknownFormat.response.statusCode, 400);
  t.equal(unknownFormat.response.json().code, 'invalid-request');
});

t.test('a P-256 did:key organisation signs ecdsa-rdfc-2019 by default, its status lists too, and has no Ed25519 key', async (t) => {
  const { auth, did, slug } = await newIssuer({ didMethod: 'key', keyType: 'P-256' });
  t.match(did, /^did:key:zDna/);
  const multibase = did.slice('did:key:'.length);
  const { response, vc } = await issue(auth);
  t.equal(response.statusCode, 201, 'issued', { body: response.body });
  t.match(vc!.proof, { cryptosuite: 'ecdsa-rdfc-2019', verificationMethod: `${did}#${multibase}` });
  const result = await verify(vc);
  t.equal(result.response.statusCode, 200, 'verified', { body: result.response.body });
  t.match(result.check('issuer')?.message, /resolved/);
  const jwt = await issue(auth, { format: 'vc+jwt' });
  t.match(decodeProtectedHeader(jwtOf(jwt.vc!)), { alg: 'ES256' }, 'vc+jwt defaults to ES256');
  const eddsa = await issue(auth, { format: 'eddsa-rdfc-2022' });
  t.equal(eddsa.response.statusCode, 400);
  t.equal(eddsa.response.json().code, 'no-key-for-algorithm');
  t.match(eddsa.response.json().detail, /keyType/);
  const revoke = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: vc!.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  t.equal(revoke.statusCode, 200, 'revoked');
  const list = (await ctx.app.inject({ method: 'GET', url: vc!.credentialStatus.statusListCredential.replace('http://passerelle.test', '') })).json();
  t.equal(list.proof.cryptosuite, 'ecdsa-rdfc-2019', 'the status list is signed with the P-256 key');
  const revoked = await verify(vc);
  t.equal(revoked.check('status')?.valid, false, 'the signed list says revoked');
  t.match(revoked.check('status')?.message, /Revoked/);
  const rotation = await rotate(slug);
  t.equal(rotation.statusCode, 400);
  t.equal(rotation.json().code, 'rotation-unsupported');
});

t.test('keyType belongs to did:key organisations', async (t) => {
  const response = await ctx.app.inject({
    method: 'POST', url: '/orgs', headers: ctx.admin,
    payload: { slug: 'web-p256', name: { en: 'Web' }, country: 'MA', kind: 'training-centre', keyType: 'P-256' },
  });
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'key-type-needs-did-key');
  const ed25519 = await ctx.createOrganisation('key-default', { didMethod: 'key' });
  t.match(ed25519.did, /^did:key:z6Mk/, 'did:key defaults to Ed25519');
});

t.test('rotating both keys: new credentials use the new keys, old ones keep verifying, each rotation is logged', async (t) => {
  const { auth, did, slug } = await newIssuer();
  const before = { ecdsa: (await issue(auth, { format: 'ecdsa-jcs-2019' })).vc!, eddsa: (await issue(auth)).vc! };
  const rotation = await rotate(slug);
  t.equal(rotation.statusCode, 200, 'rotated', { body: rotation.body });
  t.match(rotation.json().keys, [
    { algorithm: 'Ed25519', verificationMethod: `${did}#key-3` },
    { algorithm: 'P-256', verificationMethod: `${did}#key-4` },
  ]);
  const after = { ecdsa: (await issue(auth, { format: 'ecdsa-jcs-2019' })).vc!, eddsa: (await issue(auth)).vc! };
  t.equal(after.ecdsa.proof.verificationMethod, `${did}#key-4`, 'the new P-256 key signs');
  t.equal(after.eddsa.proof.verificationMethod, `${did}#key-3`, 'the new Ed25519 key signs');
  for (const [name, vc] of [['old P-256', before.ecdsa], ['old Ed25519', before.eddsa], ['new P-256', after.ecdsa], ['new Ed25519', after.eddsa]] as const) {
    t.equal((await verify(vc)).response.statusCode, 200, `${name} verifies`);
  }
  const entries = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/audit`, headers: ctx.admin })).json().entries as Json[];
  t.match(entries.filter((e) => e.action === 'key.rotated'), [
    { subject: `${did}#key-3`, details: { algorithm: 'Ed25519', retired: `${did}#key-1` } },
    { subject: `${did}#key-4`, details: { algorithm: 'P-256', retired: `${did}#key-2` } },
  ]);
});

t.test('rotating the P-256 key alone leaves the Ed25519 key signing', async (t) => {
  const { auth, did, slug } = await newIssuer();
  const before = (await issue(auth, { format: 'ecdsa-rdfc-2019' })).vc!;
  const rotation = await rotate(slug, { algorithm: 'P-256' });
  t.equal(rotation.statusCode, 200, 'rotated', { body: rotation.body });
  t.match(rotation.json().keys, [{ algorithm: 'P-256', verificationMethod: `${did}#key-3` }]);
  t.equal(rotation.json().keys.length, 1, 'one key');
  const after = (await issue(auth, { format: 'ecdsa-rdfc-2019' })).vc!;
  t.equal(after.proof.verificationMethod, `${did}#key-3`);
  t.equal((await issue(auth)).vc!.proof.verificationMethod, `${did}#key-1`, 'Ed25519 unchanged');
  t.equal((await verify(before)).response.statusCode, 200, 'the retired P-256 key still verifies');
  t.equal((await verify(after)).response.statusCode, 200, 'the new one too');
  const unknown = await rotate(slug, { algorithm: 'RSA' });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().code, 'invalid-request');
});

t.test('an organisation created before P-256 keys gets its first by rotating P-256', async (t) => {
  const { auth, did, slug } = await newIssuer();
  // As the migration leaves an older organisation: its one Ed25519 key.
  await sqlRun(ctx.services, `DELETE FROM organisation_keys WHERE algorithm = 'P-256' AND verification_method LIKE ?`, `${did}#%`);
  const refused = await issue(auth, { format: 'ecdsa-rdfc-2019' });
  t.equal(refused.response.statusCode, 400);
  t.equal(refused.response.json().code, 'no-key-for-algorithm');
  t.match(refused.response.json().detail, `POST /orgs/${slug}/keys/rotate with {"algorithm": "P-256"}`);
  const rotation = await rotate(slug, { algorithm: 'P-256' });
  t.equal(rotation.statusCode, 200, 'rotated', { body: rotation.body });
  const { response, vc } = await issue(auth, { format: 'ecdsa-rdfc-2019' });
  t.equal(response.statusCode, 201, 'issued');
  t.equal(vc!.proof.verificationMethod, rotation.json().keys[0].verificationMethod);
  t.equal((await verify(vc)).response.statusCode, 200, 'verifies: the DID document has the new key');
  t.equal((await issue(auth)).vc!.proof.verificationMethod, `${did}#key-1`, 'the Ed25519 key was not retired');
});

/** A wallet's P-256 did:key, signing vp+jwt with ES256 (jose, not the service's key store). */
async function p256Holder() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { publicKeyMultibase } = await EcdsaMultikey.fromJwk({ jwk: await exportJWK(publicKey) });
  const did = `did:key:${publicKeyMultibase}`;
  const kid = `${did}#${publicKeyMultibase}`;
  const sign = (payload: Json, alg = 'ES256') =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, typ: 'vp+jwt', cty: 'vp', kid } as never).sign(privateKey);
  return { did, sign };
}

t.test('a vp+jwt signed with ES256 by a P-256 did:key holder verifies, with an ES256 credential inside', async (t) => {
  const { auth } = await newIssuer();
  const credential = (await issue(auth, { format: 'vc+jwt', alg: 'ES256' }, plainCredential())).vc!;
  const holder = await p256Holder();
  const presentation = {
    '@context': [VC2], type: ['VerifiablePresentation'], id: `urn:uuid:${crypto.randomUUID()}`, holder: holder.did,
    verifiableCredential: [credential], nonce: 'job-4711', aud: 'hr.example.es',
  };
  const verifyVp = async (jwt: string) => ctx.app.inject({
    method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: jwt, options: { challenge: 'job-4711', domain: 'hr.example.es' } },
  });
  const ok = await verifyVp(await holder.sign(presentation));
  t.equal(ok.statusCode, 200, 'verified', { body: ok.body });
  t.equal(ok.json().checks.find((c: Json) => c.id === 'presentation').message, 'Holder signature valid (vp+jwt, ES256; nonce and aud match)');
  t.equal(ok.json().credentialResults[0].verified, true, 'the ES256 credential inside verifies');
  const [head, , signature] = (await holder.sign(presentation)).split('.');
  const changed = await verifyVp(`${head}.${Buffer.from(JSON.stringify({ ...presentation, id: 'urn:uuid:another' })).toString('base64url')}.${signature}`);
  t.equal(changed.statusCode, 400, 'a changed payload: 400');
  t.match(changed.json().checks.find((c: Json) => c.id === 'presentation').message, /Holder signature invalid/);
});

t.test('dc+sd-jwt is signed with the P-256 key (ES256, what SD-JWT VC wallets expect) and verifies; options.alg EdDSA takes the Ed25519 key', async (t) => {
  const { auth, did } = await newIssuer();
  const holderJwk = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const sdJwtOf = async (options: Json) => {
    const response = await ctx.app.inject({
      method: 'POST', url: '/credentials/issue', headers: auth,
      payload: { credential: openBadgeCredential(), options: { format: 'dc+sd-jwt', issuer: 'organisation', holderJwk, ...options } },
    });
    t.equal(response.statusCode, 201, `issued with ${JSON.stringify(options)}`, { body: response.body });
    return response.json().verifiableCredential as string;
  };
  const es256 = await sdJwtOf({});
  t.match(decodeProtectedHeader(es256.split('~')[0]!), { alg: 'ES256', typ: 'dc+sd-jwt', kid: `${did}#key-2` });
  const result = await verify(es256);
  t.equal(result.response.statusCode, 200, 'verified', { body: result.response.body });
  t.match(decodeProtectedHeader((await sdJwtOf({ alg: 'EdDSA' })).split('~')[0]!), { alg: 'EdDSA', kid: `${did}#key-1` });
});

t.test('in a batch, checked on the verification pool\'s threads, P-256 credentials of every format verify and a changed one fails', async (t) => {
  const { auth } = await newIssuer();
  const credentials = [
    (await issue(auth, { format: 'ecdsa-rdfc-2019' })).vc!,
    (await issue(auth, { format: 'ecdsa-jcs-2019' })).vc!,
    (await issue(auth, { format: 'vc+jwt', alg: 'ES256' })).vc!,
  ];
  const changed = { ...credentials[0], name: 'Maçon en chef' };
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredentials: [...credentials, changed] } });
  t.equal(response.statusCode, 200, 'answered', { body: response.body });
  t.same(response.json().results.map((r: Json) => r.verified), [true, true, true, false]);
  t.equal(response.json().results[3].checks.find((c: Json) => c.id === 'proof').valid, false, 'the changed one fails its proof');
});

t.test('two rotations at once both succeed, with keys numbered apart, and leave one current key of each algorithm', async (t) => {
  const { slug, did } = await newIssuer();
  const rotations = await Promise.all([rotate(slug), rotate(slug)]);
  t.same(rotations.map((r) => r.statusCode), [200, 200], 'both rotated');
  const document = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` })).json();
  // Both rotations happen at the same instant of the test clock, so the document's order between them is not fixed.
  const ids = document.verificationMethod.map((vm: Json) => vm.id as string).sort((a: string, b: string) => a.localeCompare(b, 'en', { numeric: true }));
  t.same(ids, [1, 2, 3, 4, 5, 6].map((n) => `${did}#key-${n}`), 'six distinct keys');
  const organisation = (await ctx.services.repos.organisations.bySlug(slug))!;
  const current = await Promise.all((['Ed25519', 'P-256'] as const).map((algorithm) => ctx.services.repos.organisations.currentKey(organisation.id, algorithm)));
  const last = rotations.map((r) => r.json().keys.map((key: Json) => key.verificationMethod)).find((ids: string[]) => ids.includes(`${did}#key-6`));
  t.same(current.map((key) => key?.verificationMethod), last, 'the later rotation\'s keys sign');
});
