import crypto from 'node:crypto';
import zlib from 'node:zlib';
import t from 'tap';
import { compactVerify, decodeProtectedHeader, SignJWT } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { publicKeyObject } from '../../src/credentials/verificationKeys.js';
import { verifySdJwtVc } from '../../src/credentials/verifySdJwtVc.js';

/*
 * The holder's side is written here by hand (node:crypto and jose: split on "~", hash the disclosures, build the key
 * binding JWT), not with @sd-jwt, which the issuer uses: a misreading of RFC 9901 shared by both sides cannot pass.
 */

type Json = Record<string, any>;
const NAME = 'Amina El Idrissi';

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'ascii').digest('base64url');

function achievementCredential(): Json {
  const credential = openBadgeCredential() as Json;
  credential.credentialSubject.id = 'did:example:amina';
  credential.credentialSubject.identifier = [
    { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: NAME },
    { type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash: 'sha256$4f3c2a', salt: 'x1' },
  ];
  credential.credentialSubject.result = [{ type: ['Result'], value: '16/20' }];
  credential.credentialSubject.achievement.alignment.push(
    { type: ['Alignment'], targetName: 'Bricklayers and related workers', targetUrl: 'http://data.europa.eu/esco/isco/C7112', targetFramework: 'ISCO-08', targetCode: '7112' },
  );
  credential.evidence = [{ id: 'https://passerelle.test/evidence/1', type: ['Evidence'], name: 'Mur de démonstration' }];
  return credential;
}

interface Holder { privateKey: crypto.KeyObject; jwk: Json }
function newHolder(): Holder {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as Json };
}

async function issue(ctx: TestApp, auth: { authorization: string }, holder: Holder, extra: Json = {}) {
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: { credential: achievementCredential(), options: { format: 'dc+sd-jwt', issuer: 'organisation', holderJwk: holder.jwk, ...extra } },
  });
  if (response.statusCode !== 201) throw new Error(`issuance failed: ${response.body}`);
  return response.json().verifiableCredential as string;
}

/** The disclosures of an SD-JWT, decoded: [salt, name, value] for properties, [salt, value] for array elements. */
function disclosuresOf(sdJwt: string): Array<{ encoded: string; content: any[] }> {
  return sdJwt.split('~').slice(1, -1).map((encoded) => ({ encoded, content: b64json(encoded) }));
}

/** What a wallet sends: the issuer-signed JWT, the chosen disclosures, and a key binding JWT over all of it. */
async function present(sdJwt: string, holder: Holder, chosen: string[], binding: { nonce?: string; aud?: string; iat?: number } | false) {
  const presented = `${sdJwt.split('~')[0]}~${chosen.map((d) => `${d}~`).join('')}`;
  if (binding === false) return presented;
  const kb = await new SignJWT({ nonce: binding.nonce ?? 'n-0S6_WzA2Mj', aud: binding.aud ?? 'https://employer.example', sd_hash: sha256(presented) })
    .setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt' })
    .setIssuedAt(binding.iat ?? Math.floor(Date.now() / 1000))
    .sign(holder.privateKey);
  return `${presented}${kb}`;
}

// One app for the whole file (each test its own organisation): building one costs more than the tests themselves.
const ctx = await buildTestApp(t);

const isName = (d: { content: any[] }) => d.content.length === 2 && d.content[1]?.identityType === 'name';
const isEqfLevel = (d: { content: any[] }) => d.content.length === 2 && d.content[1]?.targetFramework === 'EQF';
/** The check with this id (undefined when the verification made none). */
const check = (result: Json, id: string): Json => (result.checks as Json[]).find((c) => c.id === id) as Json;

t.test('an achievement issued as SD-JWT VC: typ, key, vct, holder binding, status; each personal claim its own disclosure', async (t) => {
  const { did, auth } = await ctx.issuer('centre-1');
  const holder = newHolder();
  const sdJwt = await issue(ctx, auth, holder);
  t.ok(sdJwt.endsWith('~'), 'no key binding at issuance');
  const [jwt] = sdJwt.split('~');
  const header = decodeProtectedHeader(jwt!);
  t.equal(header.typ, 'dc+sd-jwt', 'typ');
  t.equal(header.alg, 'ES256', 'ES256: the organisation has a P-256 key, as SD-JWT VC wallets expect');
  t.match(header.kid, new RegExp(`^${did}#`), 'kid is a DID URL of the issuer');
  const payload = b64json(jwt!.split('.')[1]!);
  t.equal(payload.iss, did, 'iss');
  t.equal(payload.vct, 'http://passerelle.test/vct/achievement', 'vct');
  t.same(payload.cnf, { jwk: holder.jwk }, 'cnf.jwk is the holder\'s key');
  t.match(payload.status, { status_list: { idx: Number, uri: /^http:\/\/passerelle\.test\/status\// } }, 'status in a Token Status List');
  t.match(payload.jti, /^urn:uuid:/, 'jti: the credential id');
  t.notOk('sub' in payload, 'the holder\'s DID only as a disclosure');
  t.equal(payload.credentialSubject.achievement.name, 'Maçon (CNC niveau 3)', 'the achievement always shows');

  const disclosures = disclosuresOf(sdJwt);
  const named = disclosures.filter((d) => d.content.length === 3).map((d) => d.content[1]).sort();
  t.same(named, ['sub'], 'sub is a property disclosure');
  const elements = disclosures.filter((d) => d.content.length === 2).map((d) => d.content[1]);
  t.equal(elements.filter((e) => e.type === 'IdentityObject').length, 2, 'each identifier (the name, the e-mail)');
  t.equal(elements.filter((e) => e.value === '16/20').length, 1, 'the result');
  t.equal(elements.filter((e) => e.name === 'Mur de démonstration').length, 1, 'the evidence');
  t.equal(elements.filter((e) => e.targetFramework === 'EQF' || e.targetFramework === 'ISCO-08').length, 2, 'each alignment');
  // Every digest is referenced from the signed payload, by hand: the issuer's packing read independently.
  const signed = JSON.stringify(payload);
  for (const d of disclosures) t.ok(signed.includes(sha256(d.encoded)), `digest of ${JSON.stringify(d.content).slice(0, 40)} in the payload`);

  const metadata = await ctx.app.inject({ method: 'GET', url: '/vct/achievement' });
  t.equal(metadata.statusCode, 200, 'type metadata served at the vct');
  t.equal(metadata.json().vct, payload.vct, 'for this vct');
  t.match(metadata.json().claims, [{ path: Array }], 'with its claims');
  const wellKnown = await ctx.app.inject({ method: 'GET', url: '/.well-known/vct/vct/achievement' });
  t.same(wellKnown.json(), metadata.json(), 'and at the well-known path of drafts 05 and 06');
});

t.test('a presentation disclosing only the name and the EQF level verifies and reveals nothing else', async (t) => {
  const { auth } = await ctx.issuer('centre-2');
  const holder = newHolder();
  const sdJwt = await issue(ctx, auth, holder);
  const disclosures = disclosuresOf(sdJwt);
  const chosen = [disclosures.find(isName)!.encoded, disclosures.find(isEqfLevel)!.encoded];
  const presentation = await present(sdJwt, holder, chosen, { nonce: 'challenge-1', aud: 'https://employer.example' });

  const response = await ctx.app.inject({
    method: 'POST', url: '/presentations/verify',
    payload: { verifiablePresentation: presentation, options: { challenge: 'challenge-1', domain: 'https://employer.example' } },
  });
  t.equal(response.statusCode, 200, response.body);
  const body = response.json();
  t.equal(body.verified, true, 'verified');
  t.equal(check(body, 'presentation').valid, true, 'the key binding is the holder\'s proof');
  const [result] = body.credentialResults;
  for (const id of ['proof', 'issuer', 'disclosures', 'keyBinding', 'validity', 'status']) t.equal(check(result, id)?.valid, true, `${id} check`);
  const subject = result.credential!.credentialSubject;
  t.same(subject.identifier, [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: NAME }], 'the name, not the e-mail');
  t.same(subject.achievement.alignment.map((a: Json) => a.targetFramework), ['EQF'], 'the level, not the occupation');
  t.notOk('result' in subject, 'no result');
  t.notOk('id' in subject, 'no holder DID');
  t.notOk('evidence' in result.credential, 'no evidence');
  const revealed = JSON.stringify(result);
  for (const hidden of ['16/20', 'Mur de démonstration', 'did:example:amina', 'sha256$4f3c2a', '7112']) t.notOk(revealed.includes(hidden), `${hidden} not revealed`);
});

t.test('a changed disclosure, a missing key binding, a wrong nonce or audience, an old or foreign key binding fail their checks', async (t) => {
  const { auth } = await ctx.issuer('centre-3');
  const holder = newHolder();
  const sdJwt = await issue(ctx, auth, holder);
  const disclosures = disclosuresOf(sdJwt);
  const name = disclosures.find(isName)!;
  const verify = async (presentation: string, options: Json = { challenge: 'c-1', domain: 'https://employer.example' }) => {
    const response = await ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: presentation, options } });
    t.equal(response.statusCode, 400, 'not verified: 400 with the result');
    return response.json();
  };

  const forged = Buffer.from(JSON.stringify([name.content[0], { ...name.content[1], identityHash: 'Someone Else' }])).toString('base64url');
  const tampered = (await verify(await present(sdJwt, holder, [forged], { nonce: 'c-1' }))).credentialResults[0];
  t.equal(check(tampered, 'disclosures').valid, false, 'tampered disclosure: disclosures check');
  t.match(check(tampered, 'disclosures').message, /referenced by no digest/, 'says it is not referenced');
  t.notOk(JSON.stringify(tampered).includes('Someone Else'), 'the forged name is not shown');
  t.equal(check(tampered, 'keyBinding').valid, true, 'only the disclosure fails');

  const unbound = await verify(await present(sdJwt, holder, [name.encoded], false));
  t.equal(check(unbound, 'presentation').valid, false, 'missing key binding: presentation check');
  t.match(check(unbound.credentialResults[0], 'keyBinding').message, /No key binding JWT/, 'keyBinding check says so');

  const wrongNonce = await verify(await present(sdJwt, holder, [name.encoded], { nonce: 'c-2' }));
  t.match(check(wrongNonce.credentialResults[0], 'keyBinding'), { valid: false, message: /nonce/ }, 'wrong nonce: keyBinding check');

  const wrongAudience = await verify(await present(sdJwt, holder, [name.encoded], { nonce: 'c-1', aud: 'https://elsewhere.example' }));
  t.match(check(wrongAudience.credentialResults[0], 'keyBinding'), { valid: false, message: /aud/ }, 'wrong audience: keyBinding check');

  const old = await verify(await present(sdJwt, holder, [name.encoded], { nonce: 'c-1', iat: Math.floor(ctx.clock.now().getTime() / 1000) - 3600 }));
  t.match(check(old.credentialResults[0], 'keyBinding'), { valid: false, message: /older than/ }, 'an hour-old key binding: keyBinding check');

  const foreign = await verify(await present(sdJwt, newHolder(), [name.encoded], { nonce: 'c-1' }));
  t.match(check(foreign.credentialResults[0], 'keyBinding'), { valid: false, message: /not signed by the holder's key/ }, 'signed by another key: keyBinding check');

  const reordered = await present(sdJwt, holder, [name.encoded], { nonce: 'c-1' });
  const extended = reordered.replace(`~${name.encoded}~`, `~${name.encoded}~${disclosures.find(isEqfLevel)!.encoded}~`);
  t.match(check((await verify(extended)).credentialResults[0], 'keyBinding'), { valid: false, message: /sd_hash/ }, 'a disclosure added after binding: sd_hash');

  const unreadable = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: 'a.b.c~WyJ4Il0~' } });
  t.equal(unreadable.statusCode, 400, 'an unreadable SD-JWT');
  t.equal(unreadable.json().code, 'invalid-sd-jwt', 'invalid-sd-jwt');

  const noChallenge = await verify(reordered, {});
  t.match(check(noChallenge, 'presentation'), { valid: false, message: /challenge is required/ }, 'no challenge: presentation check');
});

t.test('revocation and suspension through /credentials/status reach the SD-JWT VC\'s Token Status List', async (t) => {
  const { did, slug, auth } = await ctx.issuer('centre-4');
  const holder = newHolder();
  const revoked = await issue(ctx, auth, holder);
  const suspended = await issue(ctx, auth, holder);
  const idOf = (sdJwt: string) => b64json(sdJwt.split('.')[1]!).jti as string;
  const statusOf = async (sdJwt: string) => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: sdJwt } });
    return { statusCode: response.statusCode, status: check(response.json(), 'status') };
  };
  const setStatus = async (sdJwt: string, statusPurpose: string, status: boolean) => {
    const response = await ctx.app.inject({
      method: 'POST', url: '/credentials/status', headers: auth,
      payload: { credentialId: idOf(sdJwt), credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose }, status },
    });
    t.equal(response.statusCode, 200, `${statusPurpose} ${status}: ${response.body}`);
  };

  t.match(await statusOf(revoked), { statusCode: 200, status: { valid: true, message: /VALID/ } }, 'valid when issued');
  await setStatus(revoked, 'revocation', true);
  t.match(await statusOf(revoked), { statusCode: 400, status: { valid: false, message: /Revoked/ } }, 'revoked');
  await setStatus(suspended, 'suspension', true);
  t.match(await statusOf(suspended), { statusCode: 400, status: { valid: false, message: /Suspended/ } }, 'suspended');
  await setStatus(suspended, 'suspension', false);
  t.match(await statusOf(suspended), { statusCode: 200, status: { valid: true } }, 'suspension lifted');

  // The status list token, read as any verifier would: over HTTP, checked with the key of the issuer's DID document.
  const { uri, idx } = b64json(revoked.split('.')[1]!).status.status_list;
  const listResponse = await ctx.app.inject({ method: 'GET', url: new URL(uri).pathname });
  t.equal(listResponse.statusCode, 200, 'status list served');
  t.match(listResponse.headers['content-type'], /^application\/statuslist\+jwt/, 'as application/statuslist+jwt');
  t.ok(listResponse.headers.etag, 'with an ETag');
  const token = listResponse.body;
  const header = decodeProtectedHeader(token);
  t.equal(header.typ, 'statuslist+jwt', 'typ');
  const didDocument = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` })).json();
  const method = didDocument.verificationMethod.find((vm: Json) => vm.id === header.kid);
  t.ok(method, 'kid names a key of the organisation\'s DID document');
  const { payload } = await compactVerify(token, await publicKeyObject(method));
  const claims = JSON.parse(new TextDecoder().decode(payload));
  t.equal(claims.sub, uri, 'sub is the list\'s URI');
  t.equal(claims.iss, did, 'iss is the organisation');
  t.equal(claims.status_list.bits, 2, '2 bits per credential');
  const bytes = zlib.inflateSync(Buffer.from(claims.status_list.lst, 'base64url'));
  const valueAt = (index: number) => (bytes[(index * 2) >> 3]! >> ((index * 2) % 8)) & 0b11;
  t.equal(valueAt(idx), 1, 'the revoked credential\'s entry is INVALID (1)');
  t.equal(valueAt(b64json(suspended.split('.')[1]!).status.status_list.idx), 0, 'the reinstated one VALID (0)');

  // And as @sd-jwt's verifier reads it (its own JWT checks, pako for the list), with the list fetched from the service.
  // The credentials are signed with the P-256 key, the list with the Ed25519 one: the key is the one kid names.
  const verifier = async (data: string, signature: string) => {
    const { kid, alg } = b64json(data.split('.')[0]!);
    const key = await publicKeyObject(didDocument.verificationMethod.find((vm: Json) => vm.id === kid));
    return crypto.verify(alg === 'ES256' ? 'sha256' : null, Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  };
  const seen: number[] = [];
  const library = new SDJwtVcInstance({
    hasher: digest,
    verifier,
    statusListFetcher: async (listUri: string) => (await ctx.app.inject({ method: 'GET', url: new URL(listUri).pathname })).body,
    statusValidator: async (status: number) => { seen.push(status); },
  });
  await library.verify(revoked);
  await library.verify(suspended);
  t.same(seen, [1, 0], '@sd-jwt reads INVALID for the revoked one, VALID for the other');
});

t.test('verifySdJwtVc for other modules: audience and nonce, key binding required or not', async (t) => {
  const { auth } = await ctx.issuer('centre-5');
  const holder = newHolder();
  const sdJwt = await issue(ctx, auth, holder);
  const plain = await verifySdJwtVc(ctx.services.verifyDeps, sdJwt);
  t.equal(plain.verified, true, 'the issued credential verifies without key binding');
  t.notOk(check(plain, 'keyBinding'), 'no keyBinding check when none is asked for');
  t.same(plain.holderJwk, holder.jwk, 'the bound key');
  const required = await verifySdJwtVc(ctx.services.verifyDeps, sdJwt, { requireKeyBinding: true });
  t.equal(check(required, 'keyBinding').valid, false, 'required and missing');
  const presentation = await present(sdJwt, holder, [], { nonce: 'n-1', aud: 'x509_san_dns:employer.example' });
  const bound = await verifySdJwtVc(ctx.services.verifyDeps, presentation, { nonce: 'n-1', audience: 'x509_san_dns:employer.example' });
  t.equal(bound.verified, true, 'nonce and audience match');
  t.same((bound.claims as Json).credentialSubject.identifier, [], 'nothing disclosed, nothing shown');
  t.notOk('identifier' in (bound.credential as Json).credentialSubject, 'and no identifier in the credential read from it');
});

t.test('the signing key: ES256 by default when the organisation has a P-256 key, EdDSA when asked or when it has none', async (t) => {
  const { auth } = await ctx.issuer('centre-keys');
  const holder = newHolder();
  const algOf = (sdJwt: string) => decodeProtectedHeader(sdJwt.split('~')[0]!).alg;
  const asked = await issue(ctx, auth, holder, { alg: 'EdDSA' });
  t.equal(algOf(asked), 'EdDSA', 'options.alg EdDSA');
  t.equal((await verifySdJwtVc(ctx.services.verifyDeps, asked)).verified, true, 'an EdDSA SD-JWT VC verifies');
  const edOnly = await ctx.createOrganisation('centre-did-key', { didMethod: 'key' });
  const edOnlyAuth = { authorization: `Bearer ${await ctx.tokenFor(edOnly.slug)}` };
  const fromDidKey = await issue(ctx, edOnlyAuth, holder);
  t.equal(algOf(fromDidKey), 'EdDSA', 'an Ed25519 did:key organisation signs EdDSA');
  t.equal((await verifySdJwtVc(ctx.services.verifyDeps, fromDidKey)).verified, true, 'and it verifies');
});

t.test('dc+sd-jwt refusals at issuance', async (t) => {
  const { auth } = await ctx.issuer('centre-6');
  const issueWith = (credential: Json, options: Json) => ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options } });
  const withHolder = await issueWith(achievementCredential(), { format: 'dc+sd-jwt', issuer: 'organisation', holder: { name: NAME, email: 'amina@example.org' } });
  t.equal(withHolder.statusCode, 400, 'web wallet holder');
  t.equal(withHolder.json().code, 'unsupported-format-for-wallet', 'unsupported-format-for-wallet');
  const keyElsewhere = await issueWith(achievementCredential(), { format: 'eddsa-rdfc-2022', issuer: 'organisation', holderJwk: newHolder().jwk });
  t.equal(keyElsewhere.statusCode, 400, 'holderJwk with another format');
  t.equal(keyElsewhere.json().code, 'holder-key-needs-sd-jwt', 'holder-key-needs-sd-jwt');
  const twoSubjects = await issueWith({ ...achievementCredential(), credentialSubject: [{ id: 'did:example:a' }, { id: 'did:example:b' }] }, { format: 'dc+sd-jwt', issuer: 'organisation' });
  t.equal(twoSubjects.statusCode, 400, 'several subjects');
  t.equal(twoSubjects.json().code, 'unsupported-credential-for-sd-jwt', 'unsupported-credential-for-sd-jwt');
  const withoutStatus = await issueWith(achievementCredential(), { format: 'dc+sd-jwt', issuer: 'organisation', credentialStatus: false });
  t.equal(withoutStatus.statusCode, 201, 'without status');
  t.notOk('status' in b64json(withoutStatus.json().verifiableCredential.split('.')[1]), 'no status claim');
});
