/**
 * The typed wrapper around the Digital Bazaar libraries (src/credentials/vcLibrary.ts), called directly: each refusal
 * word for word, which the service's answers fold into one check message. Issuers here are example DIDs
 * (test/helpers/exampleDids.ts).
 */
import { CompactSign } from 'jose';
import t from 'tap';
import { JSON_LD_LIMITS } from '../../src/credentials/jsonLimits.js';
import {
  DEFAULT_FORMATS, addProof, canonicalNQuads, isVerifiedJwsAlg, signCredential, verifyCompactJws, verifyCredentialProof, verifyCredentialProofByLibrary,
  type JsonObject,
} from '../../src/credentials/vcLibrary.js';
import type { SigningKey } from '../../src/keys/keyStore.js';
import { plainCredential } from '../helpers/app.js';
import { exampleDidDocument, exampleKey, exampleMethod, exampleResolution } from '../helpers/exampleDids.js';

const CENTRE = 'did:example:centre';
const ACCREDITOR = 'did:example:accreditor';
const NOW = new Date('2026-01-01T00:00:00Z');

const centreKey = await exampleKey(CENTRE, 'key-1');
const centreP256 = await exampleKey(CENTRE, 'key-2', 'P-256');
// A key listed in the centre's DID document but controlled by the accreditor (who lists it under assertionMethod).
const lentKey = await exampleKey(CENTRE, 'lent', 'Ed25519', ACCREDITOR);
const accreditorKey = await exampleKey(ACCREDITOR, 'key-1');

const { documentLoader } = exampleResolution({
  [CENTRE]: exampleDidDocument(CENTRE, [centreKey, centreP256, lentKey], [centreKey.kid, centreP256.kid]),
  [ACCREDITOR]: exampleDidDocument(ACCREDITOR, [accreditorKey], [accreditorKey.kid, lentKey.kid]),
});

const sign = (key: SigningKey, credential: JsonObject = plainCredential({ issuer: CENTRE })) =>
  signCredential({ credential, format: DEFAULT_FORMATS[key.algorithm], keyPair: key.keyPair, documentLoader, now: NOW });
const coSign = (key: SigningKey, credential: JsonObject, proofId: string) =>
  addProof({ credential, format: DEFAULT_FORMATS[key.algorithm], keyPair: key.keyPair, documentLoader, now: NOW, proofId });
const proofsOf = (credential: JsonObject) => credential.proof as JsonObject[];

t.test('one proof: the library\'s verdict, with its reasons and the methods it checked', async (t) => {
  const signed = await sign(centreKey);
  t.same(await verifyCredentialProofByLibrary(signed, documentLoader), { verified: true, errors: [], verificationMethods: [centreKey.kid] });
  const tampered = { ...signed, name: 'Chef de chantier' };
  t.same(await verifyCredentialProofByLibrary(tampered, documentLoader), { verified: false, errors: ['Invalid signature.'], verificationMethods: [centreKey.kid] });
  t.same(await verifyCredentialProof({ ...tampered, proof: [signed.proof] }, documentLoader), { verified: false, errors: ['Invalid signature.'], verificationMethods: [centreKey.kid] },
    'a proof set of one is a single proof');
});

t.test('a key in the issuer\'s DID document that another DID controls cannot sign for the issuer, alone or in a set', async (t) => {
  const lent = await sign(lentKey);
  const alone = await verifyCredentialProof(lent, documentLoader);
  t.equal(alone.verified, false, 'alone: refused');
  t.same(alone.errors, ['Credential issuer must match the verification method controller.'], 'alone: why');
  for (const issuer of [CENTRE, { id: CENTRE, name: 'Centre de formation' }]) {
    const credential = await coSign(accreditorKey, await sign(lentKey, plainCredential({ issuer })), 'urn:uuid:co-signature');
    const result = await verifyCredentialProof(credential, documentLoader);
    t.same(result.errors, [`proof 0 (${lentKey.kid}): Credential issuer must match the verification method controller.`], `issuer ${typeof issuer}: the issuer's proof fails`);
    t.same(result.verificationMethods, [accreditorKey.kid], `issuer ${typeof issuer}: the co-signer's proof holds`);
  }
});

t.test('a proof set verifies when every proof does; a chained proof is checked over the proof it names', async (t) => {
  const set = await coSign(accreditorKey, await sign(centreKey), 'urn:uuid:accreditation');
  t.notOk('previousProof' in proofsOf(set)[1]!, 'the first proof has no id: the second joins the set');
  const chain = await coSign(centreP256, set, 'urn:uuid:chained');
  t.equal(proofsOf(chain)[2]!.previousProof, 'urn:uuid:accreditation', 'the third chains to the second');
  t.same(await verifyCredentialProof(chain, documentLoader), { verified: true, errors: [], verificationMethods: [centreKey.kid, accreditorKey.kid, centreP256.kid] });
  const unchained = { ...chain, proof: [...proofsOf(set), { ...proofsOf(chain)[2], previousProof: undefined }] };
  t.same((await verifyCredentialProof(unchained, documentLoader)).errors, [`proof 2 (${centreP256.kid}): Invalid signature.`], 'the chained proof without its link fails');
  const numbered = await coSign(centreP256, { ...set, proof: [proofsOf(set)[0], { ...proofsOf(set)[1], id: 7 }] }, 'urn:uuid:set');
  t.notOk('previousProof' in proofsOf(numbered)[2]!, 'a last proof whose id is not a string is not chained to');
  const first = await coSign(accreditorKey, plainCredential({ issuer: CENTRE }), 'urn:uuid:first');
  t.same(proofsOf(first).map((proof) => proof.id), ['urn:uuid:first'], 'a credential without proofs gets a set of one');
});

t.test('in a set, what is not a proof, names no proof, or has no suite or purpose of ours is refused by its index', async (t) => {
  const set = await coSign(accreditorKey, await sign(centreKey), 'urn:uuid:accreditation');
  const chain = await coSign(centreP256, set, 'urn:uuid:chained');
  const [issuerProof, accreditation, chained] = proofsOf(chain) as [JsonObject, JsonObject, JsonObject];
  const result = await verifyCredentialProof({
    ...chain,
    proof: [null, 'a proof', [issuerProof], issuerProof, accreditation, chained,
      { ...accreditation, previousProof: 'urn:uuid:nothing' },
      { ...accreditation, proofPurpose: 'authentication' },
      { ...accreditation, cryptosuite: 'eddsa-2099' },
      { ...accreditation, type: 'FancySignature2099', cryptosuite: undefined },
      { ...accreditation, proofValue: issuerProof.proofValue }],
  }, documentLoader);
  t.equal(result.verified, false);
  t.same(result.errors, [
    'proof 0 is not an object', 'proof 1 is not an object', 'proof 2 is not an object',
    'proof 6 names previousProof urn:uuid:nothing, which is not a proof of this credential',
    `proof 7 (${accreditorKey.kid}): proofPurpose authentication is not assertionMethod`,
    `proof 8 (${accreditorKey.kid}): no supported cryptosuite for eddsa-2099`,
    `proof 9 (${accreditorKey.kid}): no supported cryptosuite for FancySignature2099`,
    `proof 10 (${accreditorKey.kid}): Invalid signature.`,
  ]);
  t.same(result.verificationMethods, [centreKey.kid, accreditorKey.kid, centreP256.kid], 'the proofs that hold');
});

t.test('a JSON-LD limit met while checking a proof set is the request\'s problem, not a failed proof', async (t) => {
  const set = await coSign(accreditorKey, await sign(centreKey), 'urn:uuid:accreditation');
  const large = { ...set, credentialSubject: { id: 'did:example:worker-42', skill: { '@list': Array.from({ length: 5_001 }, (_, i) => `skill ${i}`) } } };
  await t.rejects(verifyCredentialProof(large, documentLoader), { code: 'json-ld-limit-exceeded', extra: { limit: 'quads' } });
});

t.test('canonicalisation takes up to the statement limit and refuses one more, saying how many', async (t) => {
  const withValues = (count: number) => ({
    '@context': { '@vocab': 'https://example.org/vocab#' }, '@id': 'https://example.org/subject', value: Array.from({ length: count }, (_, i) => i),
  });
  const atLimit = await canonicalNQuads(withValues(JSON_LD_LIMITS.quads), documentLoader);
  t.equal(atLimit.trimEnd().split('\n').length, JSON_LD_LIMITS.quads, 'exactly the limit');
  await t.rejects(canonicalNQuads(withValues(JSON_LD_LIMITS.quads + 1), documentLoader), {
    code: 'json-ld-limit-exceeded', detail: `The document yields ${JSON_LD_LIMITS.quads + 1} RDF statements, more than ${JSON_LD_LIMITS.quads}`, extra: { limit: 'quads' },
  });
});

t.test('blank nodes too alike to canonicalise within the work factor are refused, saying so', async (t) => {
  const ring = Array.from({ length: 10 }, (_, i) => ({ '@id': `_:r${i}`, 'https://example.org/next': { '@id': `_:r${(i + 1) % 10}` } }));
  await t.rejects(canonicalNQuads({ '@graph': ring }, documentLoader), {
    code: 'json-ld-limit-exceeded', detail: 'The document has blank nodes too alike to canonicalise within the work factor', extra: { limit: 'rdfcWorkFactor' },
  });
});

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jws = (key: SigningKey, header: JsonObject = {}) =>
  new CompactSign(Buffer.from('{"sub":"did:example:worker-42"}')).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
const refusalOf = (jwt: string, key: SigningKey) => verifyCompactJws(jwt, exampleMethod(key)).then(() => 'verified', (error: Error) => error.message);

t.test('a compact JWS signed with EdDSA or ES256 by the method\'s key verifies; a changed payload does not', async (t) => {
  for (const key of [centreKey, centreP256]) {
    const jwt = await jws(key);
    t.equal(await refusalOf(jwt, key), 'verified', `${key.alg}: verified`);
    const [header, , signature] = jwt.split('.');
    t.equal(await refusalOf(`${header}.${base64url({ sub: 'did:example:someone-else' })}.${signature}`, key), 'signature verification failed', `${key.alg}: changed`);
  }
});

t.test('a compact JWS is refused, saying why, for its shape, its header, or a key of another algorithm', async (t) => {
  const [, payload, signature] = (await jws(centreKey)).split('.') as [string, string, string];
  const withHeader = (header: unknown) => `${base64url(header)}.${payload}.${signature}`;
  const cases: Array<[string, string, string]> = [
    ['two parts', `${base64url({ alg: 'EdDSA' })}.${payload}`, 'Invalid Compact JWS'],
    ['four parts', `${withHeader({ alg: 'EdDSA' })}.more`, 'Invalid Compact JWS'],
    ['a header that is not JSON', `${base64url('{alg')}.${payload}.${signature}`, 'JWS Protected Header is invalid'],
    ['a null header', withHeader(null), 'JWS Protected Header is invalid'],
    ['a header that is a string', withHeader('EdDSA'), 'JWS Protected Header is invalid'],
    ['a header that is an array', withHeader([{ alg: 'EdDSA' }]), 'JWS Protected Header is invalid'],
    ['HS256', withHeader({ alg: 'HS256' }), '"alg" (Algorithm) Header Parameter value not allowed: HS256'],
    ['no alg', withHeader({}), '"alg" (Algorithm) Header Parameter value not allowed: undefined'],
    ['crit', withHeader({ alg: 'EdDSA', crit: ['exp'] }), 'JWS critical extensions (crit, b64) are not supported'],
    ['b64', withHeader({ alg: 'EdDSA', b64: false }), 'JWS critical extensions (crit, b64) are not supported'],
  ];
  for (const [what, jwt, message] of cases) t.equal(await refusalOf(jwt, centreKey), message, what);
  t.equal(await refusalOf(withHeader({ alg: 'ES256' }), centreKey), `"alg" ES256 needs a P-256 key; ${centreKey.kid} is Ed25519`, 'ES256 with an Ed25519 key');
  t.equal(await refusalOf(withHeader({ alg: 'EdDSA' }), centreP256), `"alg" EdDSA needs a Ed25519 key; ${centreP256.kid} is P-256`, 'EdDSA with a P-256 key');
});

t.test('only the names EdDSA and ES256 are JWS algorithms this service verifies', async (t) => {
  const names: unknown[] = ['EdDSA', 'ES256', 'HS256', 'none', 'eddsa', 'toString', '__proto__', ['EdDSA'], { toString: () => 'EdDSA' }, undefined, null, 5];
  t.same(names.map(isVerifiedJwsAlg), [true, true, false, false, false, false, false, false, false, false, false, false]);
});
