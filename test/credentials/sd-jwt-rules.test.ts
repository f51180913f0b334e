/**
 * SD-JWT VC called directly (src/credentials/sdJwtVc.ts, verifySdJwtVc.ts): the claims and disclosure frame made from a
 * credential, the credential read back from disclosed claims, and each rule of RFC 9901 and of the key binding with its
 * message word for word. SD-JWTs are written here by hand (jose and node:crypto), so that each rule can be broken alone.
 * The issuer is an example DID (test/helpers/exampleDids.ts); test/credentials/sd-jwt-vc.test.ts covers the HTTP side.
 */
import crypto from 'node:crypto';
import { CompactSign } from 'jose';
import t from 'tap';
import { CONTEXTS } from '../../src/credentials/contexts/index.js';
import { credentialFromSdJwtVcClaims, sdJwtVcClaimsOf, signSdJwtVc } from '../../src/credentials/sdJwtVc.js';
import { isSdJwt, verifySdJwtVc, verifySdJwtVcPresentation, type SdJwtVcVerifyDeps, type SdJwtVcVerifyOptions } from '../../src/credentials/verifySdJwtVc.js';
import type { SigningKey } from '../../src/keys/keyStore.js';
import { exampleDidDocument, exampleKey, exampleResolution } from '../helpers/exampleDids.js';

type Json = Record<string, any>;
const CENTRE = 'did:example:centre';
const VCT = 'https://passerelle.test/vct/achievement';
const NOW = new Date('2026-06-01T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

const centreKey = await exampleKey(CENTRE, 'key-1');
const centreP256 = await exampleKey(CENTRE, 'key-2', 'P-256');
const { resolveDid, documentLoader } = exampleResolution({ [CENTRE]: exampleDidDocument(CENTRE, [centreKey, centreP256], [centreKey.kid, centreP256.kid]) });
// No credential here has a status entry, so the status checker is never asked.
const deps: SdJwtVcVerifyDeps = { resolveDid, documentLoader, statusChecker: undefined as never, now: () => NOW };

const holder = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const holderJwk = holder.publicKey.export({ format: 'jwk' }) as Json;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const digestOf = (text: string) => crypto.createHash('sha256').update(text, 'ascii').digest('base64url');
const disclosure = (...content: unknown[]) => base64url(content);

async function signedJwt(payload: Json, header: Json, key: crypto.KeyObject = centreKey.privateKey) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);
}
/** The issuer-signed JWT with the disclosures and an empty key binding slot. */
async function sdJwt(payload: Json, disclosures: string[] = [], header: Json = { typ: 'dc+sd-jwt', alg: 'EdDSA', kid: centreKey.kid }) {
  return `${await signedJwt({ iss: CENTRE, vct: VCT, iat: NOW_SECONDS, ...payload }, header)}~${disclosures.map((d) => `${d}~`).join('')}`;
}
/** The presentation with a key binding JWT over it, signed by the holder unless said otherwise. */
async function bound(presented: string, claims: Json = {}, header: Json = { typ: 'kb+jwt', alg: 'ES256' }, key: crypto.KeyObject = holder.privateKey) {
  return `${presented}${await signedJwt({ iat: NOW_SECONDS, sd_hash: digestOf(presented), ...claims }, header, key)}`;
}
/** The checks of a verification, by id: their messages, a failed one starting with ✗. */
const checksOf = async (compact: string, options?: SdJwtVcVerifyOptions) =>
  Object.fromEntries((await verifySdJwtVc(deps, compact, options)).checks.map((check) => [check.id, `${check.valid ? '' : '✗ '}${check.message}`]));
const disclosuresCheck = async (payload: Json, disclosures: string[]) => {
  const check = (await verifySdJwtVc(deps, await sdJwt(payload, disclosures))).checks.find(({ id }) => id === 'disclosures')!;
  return check.valid ? 'valid' : check.message;
};

function achievementCredential(): Json {
  return {
    '@context': [CONTEXTS.credentialsV2, CONTEXTS.openBadges303], id: 'urn:uuid:5d1c7c1e-0000-4000-8000-000000000001',
    type: ['VerifiableCredential', 'OpenBadgeCredential'], issuer: { id: CENTRE, type: ['Profile'], name: 'Centre de formation' },
    validFrom: '2026-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z', name: 'Maçonnerie',
    credentialSubject: {
      id: 'did:example:amina', type: ['AchievementSubject'],
      achievement: { id: 'urn:uuid:achievement', type: ['Achievement'], name: 'Maçon', alignment: [{ targetCode: '3' }, { targetCode: '7112' }] },
      identifier: [{ identityHash: 'Amina El Idrissi' }], result: [{ value: '16/20' }, { value: 'A' }], activityEndDate: '2026-01-01T00:00:00Z',
    },
    evidence: [{ name: 'Mur de démonstration' }],
    credentialStatus: { type: 'BitstringStatusListEntry' }, proof: { type: 'DataIntegrityProof' },
  };
}

t.test('the claims of a credential: registered claims for the VC properties, each personal claim and listed element disclosable', async (t) => {
  const status = { status_list: { idx: 7, uri: 'https://passerelle.test/status/1' } };
  const { payload, disclosureFrame } = sdJwtVcClaimsOf(achievementCredential(), { vct: VCT, issuedAt: NOW, status, holderJwk });
  const { credentialSubject: { id: _subject, ...subjectClaims }, evidence } = achievementCredential();
  t.same(payload, {
    type: ['VerifiableCredential', 'OpenBadgeCredential'], name: 'Maçonnerie', evidence, credentialSubject: subjectClaims,
    iss: CENTRE, iat: NOW_SECONDS, vct: VCT, nbf: Date.parse('2026-01-01T00:00:00Z') / 1000, exp: Date.parse('2031-01-01T00:00:00Z') / 1000,
    jti: 'urn:uuid:5d1c7c1e-0000-4000-8000-000000000001', sub: 'did:example:amina', cnf: { jwk: holderJwk }, status,
  }, 'the payload');
  t.strictSame(disclosureFrame, {
    _sd: ['sub'],
    credentialSubject: { _sd: ['activityEndDate'], identifier: { _sd: [0] }, result: { _sd: [0, 1] }, achievement: { alignment: { _sd: [0, 1] } } },
    evidence: { _sd: [0] },
  }, 'what is disclosable');

  const { id: _id, validFrom: _from, validUntil: _until, credentialSubject, evidence: _evidence, ...plain } = achievementCredential();
  const bare = sdJwtVcClaimsOf({ ...plain, issuer: CENTRE, issuanceDate: '2025-01-01T00:00:00Z', expirationDate: 'soon', credentialSubject: { achievement: credentialSubject.achievement } },
    { vct: VCT, issuedAt: NOW });
  t.same(Object.keys(bare.payload).sort(), ['credentialSubject', 'iat', 'iss', 'name', 'nbf', 'type', 'vct'], 'VC 1.1 dates read; no id, subject, key or status');
  t.equal(bare.payload.iss, CENTRE, 'an issuer given as a string');
  t.equal(bare.payload.nbf, Date.parse('2025-01-01T00:00:00Z') / 1000, 'issuanceDate as nbf');
  t.strictSame(bare.disclosureFrame, { _sd: [], credentialSubject: { _sd: [], achievement: { alignment: { _sd: [0, 1] } } } }, 'only the alignments to disclose');

  const { alignment: _alignment, ...unaligned } = credentialSubject.achievement;
  t.strictSame(sdJwtVcClaimsOf({ ...plain, credentialSubject: { achievement: unaligned, result: 'A' } }, { vct: VCT, issuedAt: NOW }).disclosureFrame,
    { _sd: [], credentialSubject: { _sd: [] } }, 'no alignments, a result that is no list: nothing to disclose one by one');
  t.throws(() => sdJwtVcClaimsOf({ ...plain, credentialSubject: [credentialSubject] }, { vct: VCT, issuedAt: NOW }), {
    code: 'unsupported-credential-for-sd-jwt', message: 'An SD-JWT VC is about one subject: credentialSubject must be one object',
  }, 'several subjects refused');
});

t.test('the credential read back from disclosed claims: VC properties again, empty disclosed lists left out', async (t) => {
  const credential = credentialFromSdJwtVcClaims({
    iss: CENTRE, jti: 'urn:uuid:1', iat: 1, nbf: 1767225600, exp: 1924992000, vct: VCT, cnf: { jwk: holderJwk }, status: {}, sub: 'did:example:amina', _sd_alg: 'sha-256',
    type: ['VerifiableCredential'], name: 'Maçonnerie', evidence: [],
    credentialSubject: { achievement: { name: 'Maçon', alignment: [] }, identifier: [], result: [{ value: 'A' }] },
  });
  t.strictSame(credential, {
    '@context': [CONTEXTS.credentialsV2, CONTEXTS.openBadges303], id: 'urn:uuid:1', type: ['VerifiableCredential'], name: 'Maçonnerie', issuer: CENTRE,
    credentialSubject: { id: 'did:example:amina', achievement: { name: 'Maçon' }, result: [{ value: 'A' }] },
    validFrom: '2026-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z',
  });
  t.strictSame(credentialFromSdJwtVcClaims({ iss: CENTRE, nbf: 'yesterday', credentialSubject: 'nobody', evidence: [{ name: 'Mur' }] }), {
    '@context': [CONTEXTS.credentialsV2, CONTEXTS.openBadges303], evidence: [{ name: 'Mur' }], issuer: CENTRE, credentialSubject: {},
  }, 'without id, subject or readable dates');
});

t.test('an SD-JWT VC signed by the service verifies, check by check, with either key', async (t) => {
  const claims = sdJwtVcClaimsOf(achievementCredential(), { vct: VCT, issuedAt: NOW, holderJwk });
  for (const key of [centreKey, centreP256] as SigningKey[]) {
    const result = await verifySdJwtVc(deps, await signSdJwtVc(claims, key));
    t.same(result.checks, [
      { id: 'proof', valid: true, message: `Signature valid (dc+sd-jwt, ${key.alg})` },
      { id: 'issuer', valid: true, message: `Issuer ${CENTRE} resolved; its key is authorised to issue credentials` },
      { id: 'disclosures', valid: true, message: '8 disclosure(s), each referenced by the signed payload' },
      { id: 'validity', valid: true, message: 'Valid until 2031-01-01T00:00:00.000Z' },
    ], `${key.alg}: the checks`);
    t.equal(result.verified, true, `${key.alg}: verified`);
    t.same(result.holderJwk, holderJwk, `${key.alg}: the holder's key`);
    t.same(result.credential?.credentialSubject, achievementCredential().credentialSubject, `${key.alg}: the subject, disclosed in full`);
  }
});

t.test('the issuer-signed JWT: its typ, alg and kid, its signature, the key it names', async (t) => {
  const header = { typ: 'dc+sd-jwt', alg: 'EdDSA', kid: centreKey.kid };
  const unsigned = (changed: Json) => `${base64url({ ...header, ...changed })}.${base64url({ iss: CENTRE, vct: VCT })}.c2lnbmF0dXJl~`;
  for (const [what, changed, got] of [
    ['another typ', { typ: 'JWT' }, `typ JWT, alg EdDSA, kid ${centreKey.kid}`],
    ['an algorithm the service does not verify', { alg: 'HS256' }, `typ dc+sd-jwt, alg HS256, kid ${centreKey.kid}`],
    ['no kid', { kid: undefined }, 'typ dc+sd-jwt, alg EdDSA, kid undefined'],
    ['a kid that is not a string', { kid: 7 }, 'typ dc+sd-jwt, alg EdDSA, kid 7'],
  ] as const) {
    const result = await verifySdJwtVc(deps, unsigned(changed));
    t.same(result.checks.slice(0, 1), [{
      id: 'proof', valid: false, message: `An SD-JWT VC must have typ dc+sd-jwt, be signed with EdDSA or ES256 and name its key in "kid" (got ${got})`,
    }], what);
    t.notOk(result.checks.some(({ id }) => id === 'issuer'), `${what}: no issuer check`);
  }
  t.equal((await checksOf(await sdJwt({}, [], { ...header, typ: 'vc+sd-jwt' }))).proof, 'Signature valid (dc+sd-jwt, EdDSA)', 'typ vc+sd-jwt, its earlier name');
  t.same(await checksOf(await sdJwt({}, [], { ...header, kid: '#key-1' })), {
    proof: 'Signature valid (dc+sd-jwt, EdDSA)', issuer: `Issuer ${CENTRE} resolved; its key is authorised to issue credentials`,
    disclosures: '0 disclosure(s), each referenced by the signed payload', validity: 'Valid (no expiry date)',
  }, 'a kid relative to iss');
  const [jwt] = (await sdJwt({})).split('.', 2);
  const forged = `${jwt}.${base64url({ iss: CENTRE, vct: VCT, name: 'forged' })}.${(await sdJwt({})).split('.')[2]}`;
  t.equal((await checksOf(forged)).proof, '✗ Signature invalid: signature verification failed', 'a changed payload');
  t.equal((await checksOf(await sdJwt({}, [], { ...header, kid: `${CENTRE}#key-9` }))).proof,
    `✗ Signature invalid: verification method ${CENTRE}#key-9 is not in the DID document of ${CENTRE}`, 'a key the issuer does not have');
  t.equal((await checksOf(await sdJwt({ iss: 'https://centre.example' }, [], { ...header, kid: centreKey.kid }))).issuer,
    '✗ Issuer https://centre.example is not a DID, so its key cannot be checked', 'an issuer that is not a DID');
});

t.test('disclosures: each referenced once by a digest, in the payload or in another disclosure, and nothing replaced', async (t) => {
  const name = disclosure('salt-1', 'activityEndDate', '2026-01-01');
  const element = disclosure('salt-2', { value: 'A' });
  t.equal(await disclosuresCheck({ _sd: [digestOf(name)], result: [{ '...': digestOf(element) }] }, [name, element]), 'valid', 'a property and an element');
  t.equal(await disclosuresCheck({ _sd_alg: 'sha-256', _sd: [digestOf(name), 'decoy', 42] }, [name]), 'valid', 'sha-256 named; decoys and non-digests skipped');
  const inner = disclosure('salt-3', 'targetCode', '7112');
  const outer = disclosure('salt-4', 'alignment', { _sd: [digestOf(inner)] });
  const nestedElement = disclosure('salt-5', [{ '...': digestOf(element) }]);
  const nested = await verifySdJwtVc(deps, await sdJwt({ _sd: [digestOf(outer)], results: [{ '...': digestOf(nestedElement) }] }, [outer, inner, nestedElement, element]));
  t.same([nested.checks.find(({ id }) => id === 'disclosures')?.valid, nested.claims?.alignment, nested.claims?.results], [true, { targetCode: '7112' }, [[{ value: 'A' }]]],
    'digests inside disclosed values');
  t.equal(await disclosuresCheck({ _sd: 'not a list', result: [{ '...': digestOf(element), other: 1 }] }, []), 'valid', 'an _sd that is no list, a "..." beside other members: no references');

  const refusals: Array<[string, Json, string[], string]> = [
    ['another hash', { _sd_alg: 'sha-512' }, [], '_sd_alg sha-512 is not supported (only sha-256)'],
    ['not JSON', {}, ['bm90IGpzb24'], 'Disclosure 1 is not base64url-encoded JSON'],
    ['one member', {}, [disclosure('salt')], 'Disclosure 1 is not [salt, name, value] or [salt, value]'],
    ['four members', {}, [name, disclosure('s', 'n', 'v', 'w')], 'Disclosure 2 is not [salt, name, value] or [salt, value]'],
    ['a salt that is no string', {}, [disclosure(1, 'n', 'v')], 'Disclosure 1 is not [salt, name, value] or [salt, value]'],
    ['a name that is no string', {}, [disclosure('s', 2, 'v')], 'Disclosure 1 is not [salt, name, value] or [salt, value]'],
    ['an object', {}, [base64url({ salt: 's' })], 'Disclosure 1 is not [salt, name, value] or [salt, value]'],
    ['sent twice', { _sd: [digestOf(name)] }, [name, name], 'Disclosure 2 is sent twice'],
    ['referenced twice', { _sd: [digestOf(name), digestOf(name)] }, [name], 'Disclosure 1 is referenced twice'],
    ['a property as an element', { list: [{ '...': digestOf(name) }] }, [name], 'Disclosure 1 is an object property where the payload expects an array element'],
    ['an element as a property', { _sd: [digestOf(element)] }, [element], 'Disclosure 1 is an array element where the payload expects an object property'],
    ['a claim the payload has', { name: 'Maçon', _sd: [digestOf(disclosure('s', 'name', 'Chef'))] }, [disclosure('s', 'name', 'Chef')], 'A disclosure names "name", which the signed payload already has or reserves'],
    ['_sd', { _sd: [digestOf(disclosure('s', '_sd', []))] }, [disclosure('s', '_sd', [])], 'A disclosure names "_sd", which the signed payload already has or reserves'],
    ['...', { _sd: [digestOf(disclosure('s', '...', 'x'))] }, [disclosure('s', '...', 'x')], 'A disclosure names "...", which the signed payload already has or reserves'],
    ['the first problem of two', { _sd: [digestOf(element), digestOf(name), digestOf(name)] }, [element, name], 'Disclosure 1 is an array element where the payload expects an object property'],
    ['unreferenced', { _sd: [digestOf(name)] }, [name, element], 'Disclosure 2 is referenced by no digest of the signed payload: it was changed, or belongs to another credential'],
  ];
  for (const [what, payload, disclosures, message] of refusals) t.equal(await disclosuresCheck(payload, disclosures), message, what);
});

t.test('the key binding: signed by the key in cnf over this presentation, recent, for this nonce and audience', async (t) => {
  const presented = await sdJwt({ cnf: { jwk: holderJwk } });
  const keyBinding = async (claims: Json = {}, options: SdJwtVcVerifyOptions = { nonce: 'n-1', audience: 'https://employer.example' }, header?: Json, key?: crypto.KeyObject) =>
    (await checksOf(await bound(presented, { nonce: 'n-1', aud: 'https://employer.example', ...claims }, header, key), options)).keyBinding;
  t.equal(await keyBinding(), 'Key binding valid (signed by the holder\'s key; nonce and aud match)', 'nonce and audience');
  t.equal(await keyBinding({}, { nonce: 'n-1' }), 'Key binding valid (signed by the holder\'s key; nonce match)', 'nonce only');
  t.equal(await keyBinding({}, {}), 'Key binding valid (signed by the holder\'s key)', 'present, nothing asked');
  t.equal(await keyBinding({ iat: NOW_SECONDS + 60 }), 'Key binding valid (signed by the holder\'s key; nonce and aud match)', 'a minute ahead');
  t.equal(await keyBinding({ iat: NOW_SECONDS - 300 }), 'Key binding valid (signed by the holder\'s key; nonce and aud match)', 'five minutes old');
  t.equal(await keyBinding({ iat: NOW_SECONDS + 61 }), `✗ The key binding JWT was issued in the future (iat ${NOW_SECONDS + 61})`, 'further ahead');
  t.equal(await keyBinding({ iat: NOW_SECONDS - 301 }),
    `✗ The key binding JWT is older than 5 minutes (iat ${NOW_SECONDS - 301}): it was made for an earlier presentation`, 'older');
  t.equal(await keyBinding({ iat: String(NOW_SECONDS) }), '✗ The key binding JWT has no iat', 'an iat that is no number');
  t.equal(await keyBinding({ sd_hash: digestOf(`${presented}x`) }), '✗ The key binding JWT\'s sd_hash does not match this SD-JWT and its disclosures', 'another sd_hash');
  t.equal(await keyBinding({ nonce: 'n-0' }), '✗ The key binding JWT\'s nonce "n-0" is not the nonce asked for (n-1)', 'another nonce');
  t.equal(await keyBinding({ nonce: undefined }), '✗ The key binding JWT\'s nonce (none) is not the nonce asked for (n-1)', 'no nonce');
  t.equal(await keyBinding({ aud: 'https://other.example' }), '✗ The key binding JWT\'s audience (aud) "https://other.example" is not https://employer.example', 'another audience');
  t.equal(await keyBinding({ aud: undefined }), '✗ The key binding JWT\'s audience (aud) (none) is not https://employer.example', 'no audience');
  t.equal(await keyBinding({}, undefined, { typ: 'JWT', alg: 'ES256' }), '✗ The key binding JWT must have typ kb+jwt (got JWT)', 'another typ');
  const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  t.equal(await keyBinding({}, undefined, undefined, stranger), '✗ The key binding JWT is not signed by the holder\'s key (cnf): signature verification failed', 'another key');
  const arrayPayload = `${presented}${await new CompactSign(new TextEncoder().encode('[1]')).setProtectedHeader({ typ: 'kb+jwt', alg: 'ES256' }).sign(holder.privateKey)}`;
  t.equal((await checksOf(arrayPayload)).keyBinding, '✗ The key binding JWT is not signed by the holder\'s key (cnf): its payload is not an object', 'a payload that is no object');

  const unbound = await sdJwt({});
  t.equal((await checksOf(await bound(unbound))).keyBinding, '✗ The credential is bound to no key (no cnf.jwk), so its key binding JWT cannot be checked', 'no cnf');
  const missing = '✗ No key binding JWT: the holder must present the credential with a KB-JWT signed by the key in cnf';
  t.equal((await checksOf(presented, { nonce: 'n-1' })).keyBinding, missing, 'required by a nonce');
  t.equal((await checksOf(presented, { audience: 'https://employer.example' })).keyBinding, missing, 'required by an audience');
  t.equal((await checksOf(presented, { requireKeyBinding: true })).keyBinding, missing, 'required as such');
  t.notOk('keyBinding' in await checksOf(presented, { nonce: 'n-1', requireKeyBinding: false }), 'not required: not checked');
  t.notOk('keyBinding' in await checksOf(presented), 'neither present nor required: not checked');
});

t.test('as a presentation: the key binding is the holder\'s proof, checked against the challenge', async (t) => {
  const presented = await sdJwt({ cnf: { jwk: holderJwk } });
  const answer = await verifySdJwtVcPresentation(deps, await bound(presented, { nonce: 'c-1', aud: 'https://employer.example' }), { challenge: 'c-1', domain: 'https://employer.example' });
  t.same([answer.verified, answer.checks], [true, [{ id: 'presentation', valid: true, message: 'Key binding valid (signed by the holder\'s key; nonce and aud match)' }]], 'bound to the challenge');
  const replayed = await verifySdJwtVcPresentation(deps, await bound(presented, { nonce: 'c-0' }), { challenge: 'c-1' });
  t.same([replayed.verified, replayed.checks[0]?.message], [false, 'The key binding JWT\'s nonce "c-0" is not the nonce asked for (c-1)'], 'another challenge');
  const unchallenged = await verifySdJwtVcPresentation(deps, await bound(presented, { nonce: 'c-1', aud: 'https://employer.example' }), { domain: 'https://other.example' });
  t.same(unchallenged.checks, [{ id: 'presentation', valid: false, message: 'options.challenge is required to check the holder\'s key binding: it is what prevents a presentation from being replayed' }],
    'no challenge');
  t.equal(unchallenged.credentialResults[0]?.checks.find(({ id }) => id === 'keyBinding')?.message,
    'The key binding JWT\'s audience (aud) "https://employer.example" is not https://other.example', 'no challenge: the domain still checked');
  const unbound = await verifySdJwtVcPresentation(deps, presented, {});
  t.equal(unbound.credentialResults[0]?.checks.find(({ id }) => id === 'keyBinding')?.message,
    'No key binding JWT: the holder must present the credential with a KB-JWT signed by the key in cnf', 'no challenge and no key binding: the credential still needs one');
  const invalidCredential = await verifySdJwtVcPresentation(deps, await bound(await sdJwt({ cnf: { jwk: holderJwk }, exp: NOW_SECONDS - 1 }), { nonce: 'c-1' }), { challenge: 'c-1' });
  t.same([invalidCredential.verified, invalidCredential.checks[0]?.valid], [false, true], 'a holder\'s valid proof of an expired credential is not verified');
});

t.test('what cannot be read as an SD-JWT is a 400 naming the form', async (t) => {
  const form = 'An SD-JWT is the issuer-signed JWT, its disclosures and a key binding JWT (or nothing) after the last "~"';
  await t.rejects(verifySdJwtVc(deps, (await sdJwt({})).slice(0, -1)), { code: 'invalid-sd-jwt', message: form }, 'no "~"');
  await t.rejects(verifySdJwtVc(deps, 'bm90IGpzb24.e30.c2ln~'), { code: 'invalid-sd-jwt', message: /^The SD-JWT's issuer-signed JWT cannot be decoded \(.+\); send issuer-jwt~disclosure~\.\.\.~\[key-binding-jwt\]$/ }, 'a header that is not JSON');
  await t.rejects(verifySdJwtVc(deps, `${base64url({ alg: 'EdDSA' })}.${base64url([1])}.c2ln~`), {
    code: 'invalid-sd-jwt', message: 'The SD-JWT\'s issuer-signed JWT cannot be decoded (payload is not an object); send issuer-jwt~disclosure~...~[key-binding-jwt]',
  }, 'a payload that is no object');
  t.same(['a.b.c~', 'a.b.c~d~e.f.g', 'a.b.c', 'a.b~c', '~'].map(isSdJwt), [true, true, false, false, false], 'what looks like an SD-JWT');
});
