/**
 * Each answer of POST /credentials/verify and POST /presentations/verify word for word: which check failed and why,
 * for JWTs, envelopes, Data Integrity credentials and presentations. Issuers and holders here are did:key parties
 * (resolved by the service without a database), so that each header, claim and proof can be written by hand.
 */
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import t from 'tap';
import { signCredential, signPresentation, type JsonObject } from '../../src/credentials/vcLibrary.js';
import { buildTestApp, plainCredential, type TestApp } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;
const VC2 = 'https://www.w3.org/ns/credentials/v2';
const CHALLENGE = 'job-4711';
const DOMAIN = 'hr.example.es';

interface Party { did: string; kid: string; keyPair: Json }
async function didKeyParty(): Promise<Party> {
  const keyPair = await Ed25519Multikey.generate() as Json;
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  Object.assign(keyPair, { id: `${did}#${keyPair.publicKeyMultibase}`, controller: did });
  return { did, kid: keyPair.id, keyPair };
}
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
async function jws(party: Party, header: Json, payload: Json): Promise<string> {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const signature = await party.keyPair.signer().sign({ data: new TextEncoder().encode(input) });
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const ctx: TestApp = await buildTestApp(t);
const issuer = await didKeyParty();
const holder = await didKeyParty();
const stranger = await didKeyParty();
const nowSeconds = Math.floor(ctx.clock.now().getTime() / 1000);

const verifyCredential = (verifiableCredential: unknown) => ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
const verifyPresentation = (verifiablePresentation: unknown, options: Json = { challenge: CHALLENGE, domain: DOMAIN }) =>
  ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation, options } });
/** The checks of an answer, by id: their messages (a failed one starting with ✗). */
const checksOf = (body: Json) => Object.fromEntries((body.checks as Json[]).map((check) => [check.id, `${check.valid ? '' : '✗ '}${check.message}`]));
const credentialChecks = async (input: unknown) => checksOf((await verifyCredential(input)).json());
const presentationCheck = async (input: unknown, options?: Json) => checksOf((await verifyPresentation(input, options)).json()).presentation;

const credentialBy = (party: Party, extra: Json = {}) => plainCredential({ issuer: party.did, credentialSubject: { id: holder.did, skill: 'Pruning olive trees' }, ...extra });
const issued = `Issuer ${issuer.did} resolved; its key is authorised to issue credentials`;

t.test('a vc+jwt: its header, its key, its issuer', async (t) => {
  const header = { alg: 'EdDSA', typ: 'vc+jwt', kid: issuer.kid };
  t.same(await credentialChecks(await jws(issuer, header, credentialBy(issuer))), { proof: 'Signature valid (vc+jwt, EdDSA)', issuer: issued, validity: 'Valid (no expiry date)' },
    'signed by the issuer');
  t.equal((await credentialChecks(await jws(issuer, { ...header, kid: `#${issuer.kid.split('#')[1]}` }, credentialBy(issuer)))).proof, 'Signature valid (vc+jwt, EdDSA)', 'a kid relative to the issuer');
  for (const [what, changed, got] of [
    ['HS256', { alg: 'HS256' }, `alg HS256, kid ${issuer.kid}`], ['no alg', { alg: undefined }, `alg undefined, kid ${issuer.kid}`], ['no kid', { kid: undefined }, 'alg EdDSA, kid undefined'],
  ] as const) {
    t.equal((await credentialChecks(await jws(issuer, { ...header, ...changed }, credentialBy(issuer)))).proof,
      `✗ JWT must be signed with EdDSA or ES256 and name its key in "kid" (got ${got})`, what);
  }
  const byStranger = await credentialChecks(await jws(stranger, { ...header, kid: stranger.kid }, credentialBy(issuer)));
  t.same([byStranger.proof, byStranger.issuer], ['Signature valid (vc+jwt, EdDSA)', `✗ Key ${stranger.kid} is not in the DID document of ${issuer.did}`], 'signed with another DID\'s key');
  const forged = (await jws(issuer, header, credentialBy(issuer))).split('.');
  t.equal((await credentialChecks(`${forged[0]}.${base64url(credentialBy(issuer, { name: 'Chef de chantier' }))}.${forged[2]}`)).proof, '✗ Signature invalid: signature verification failed', 'a changed payload');
  t.equal((await credentialChecks(await jws(issuer, header, credentialBy(issuer, { issuer: 'https://centre.example' })))).issuer,
    '✗ Issuer https://centre.example is not a DID, so its key cannot be checked', 'an issuer that is no DID');
  t.equal((await credentialChecks(await jws(issuer, header, credentialBy(issuer, { validFrom: '2999-01-01T00:00:00Z' })))).validity,
    '✗ Not valid yet: valid from 2999-01-01T00:00:00.000Z', 'not valid yet');
});

t.test('what cannot be read as a credential is a 400 naming what to send', async (t) => {
  const refused = async (input: unknown) => {
    const response = await verifyCredential(input);
    return { ...problemOf(response), detail: response.json().detail as string };
  };
  t.same(await refused(42), { status: 400, code: 'invalid-request', detail: 'The body is not as expected: body/verifiableCredential must be object,string' }, 'a number');
  t.same(await refused(`${base64url({ alg: 'EdDSA' })}.${base64url([1])}.c2ln`),
    { status: 400, code: 'invalid-jwt', detail: 'The JWT cannot be decoded (payload is not an object); send a compact JWS: header.payload.signature' }, 'a payload that is no object');
  t.match(await refused('not.a.jwt'), { status: 400, code: 'invalid-jwt', detail: /^The JWT cannot be decoded \(.+\); send a compact JWS: header\.payload\.signature$/ }, 'not a JWS');
  t.same(await refused({ '@context': VC2, type: 'EnvelopedVerifiableCredential', id: 'data:application/jwt,abc' }),
    { status: 400, code: 'invalid-envelope', detail: 'An EnvelopedVerifiableCredential must have an id starting with "data:application/vc+jwt,"' }, 'an envelope of another media type');
  t.same(await refused({ '@context': VC2, type: ['VerifiableCredential', 'EnvelopedVerifiableCredential'] }),
    { status: 400, code: 'invalid-envelope', detail: 'An EnvelopedVerifiableCredential must have an id starting with "data:application/vc+jwt,"' }, 'an envelope without id');
  const jwt = await jws(issuer, { alg: 'EdDSA', kid: issuer.kid }, credentialBy(issuer));
  t.equal((await credentialChecks({ '@context': ['https://www.w3.org/2018/credentials/v1'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` })).envelope,
    '✗ The EnvelopedVerifiableCredential\'s @context must be "https://www.w3.org/ns/credentials/v2" or an array starting with it (got ["https://www.w3.org/2018/credentials/v1"])', 'an envelope with another context');
  t.equal((await credentialChecks({ type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` })).envelope,
    '✗ The EnvelopedVerifiableCredential\'s @context must be "https://www.w3.org/ns/credentials/v2" or an array starting with it (got none)', 'an envelope without context');
});

t.test('a Data Integrity credential: a proof, by the issuer', async (t) => {
  const sign = (party: Party, credential: Json) => signCredential({ credential, format: 'eddsa-rdfc-2022', keyPair: party.keyPair as never, documentLoader: ctx.services.documentLoader, now: ctx.clock.now() });
  const signed = await sign(issuer, credentialBy(issuer));
  t.same(await credentialChecks(signed), { proof: 'Signature valid (eddsa-rdfc-2022)', issuer: issued, validity: 'Valid (no expiry date)' }, 'signed by the issuer');
  const { proof: _proof, ...unsigned } = signed;
  t.equal((await credentialChecks(unsigned)).proof, '✗ The credential has no proof', 'no proof');
  t.equal((await credentialChecks({ ...unsigned, proof: [] })).proof, '✗ The credential has no proof', 'an empty proof set');
  t.equal((await credentialChecks({ ...unsigned, proof: ['z3FXQjecWufY46yg5abdVZsXqLhxhueuSo'] })).proof,
    '✗ Not a well-formed verifiable credential: property "proof" must be an object.', 'a proof that is no object');
  const coSigned = await credentialChecks(await sign(stranger, credentialBy(issuer)));
  t.equal(coSigned.issuer, `✗ No proof is made with a key of the issuer ${issuer.did}`, 'signed by someone else only');
  const { issuer: _issuer, ...anonymous } = unsigned;
  t.equal((await credentialChecks({ ...anonymous, proof: signed.proof })).proof, '✗ Not a well-formed verifiable credential: "issuer" property is required.', 'no issuer');
});

t.test('a presentation: the holder\'s proof, the challenge and the domain', async (t) => {
  const credential = await jws(issuer, { alg: 'EdDSA', kid: issuer.kid }, credentialBy(issuer));
  const envelope = { '@context': VC2, type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${credential}` };
  const presentation = (extra: Json = {}) => ({ '@context': [VC2], type: ['VerifiablePresentation'], holder: holder.did, verifiableCredential: [envelope], nonce: CHALLENGE, aud: DOMAIN, ...extra });
  const header = { alg: 'EdDSA', typ: 'vp+jwt', kid: holder.kid };
  const vpJwt = (extra: Json = {}, changed: Json = {}, by: Party = holder) => jws(by, { ...header, ...changed }, presentation(extra));

  const valid = await verifyPresentation(await vpJwt());
  t.same([valid.statusCode, checksOf(valid.json()).presentation, valid.json().credentialResults.map((result: Json) => result.verified)],
    [200, 'Holder signature valid (vp+jwt, EdDSA; nonce and aud match)', [true]], 'signed by the holder for this challenge and domain');
  t.equal(await presentationCheck(await vpJwt({ aud: ['another.example', DOMAIN] })), 'Holder signature valid (vp+jwt, EdDSA; nonce and aud match)', 'one of several audiences');
  t.equal(await presentationCheck(await vpJwt(), { challenge: CHALLENGE }), 'Holder signature valid (vp+jwt, EdDSA; nonce and aud match)', 'no domain asked');
  t.equal(await presentationCheck(await vpJwt({}, { kid: `#${holder.kid.split('#')[1]}` })), 'Holder signature valid (vp+jwt, EdDSA; nonce and aud match)', 'a kid relative to the holder');
  const vc11 = await jws(holder, header, { iss: holder.did, nonce: CHALLENGE, aud: DOMAIN, vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'] } });
  t.equal(await presentationCheck(vc11), 'Holder signature valid (vp+jwt, EdDSA; nonce and aud match)', 'a VC 1.1 JWT presentation, its holder in iss');

  const refusals: Array<[string, Promise<string>, Json | undefined, string]> = [
    ['HS256', vpJwt({}, { alg: 'HS256' }), undefined, `✗ A vp+jwt must be signed with EdDSA or ES256 by a key named by its DID URL in "kid" (got alg HS256, kid ${holder.kid})`],
    ['a kid that is no DID URL', vpJwt({}, { kid: 'key-1' }), undefined, '✗ A vp+jwt must be signed with EdDSA or ES256 by a key named by its DID URL in "kid" (got alg EdDSA, kid key-1)'],
    ['a relative kid without holder', vpJwt({ holder: undefined }, { kid: '#key-1' }), undefined, '✗ A vp+jwt must be signed with EdDSA or ES256 by a key named by its DID URL in "kid" (got alg EdDSA, kid #key-1)'],
    ['signed by another than its holder', vpJwt({}, { kid: stranger.kid }, stranger), undefined, `✗ The presentation is signed with ${stranger.kid}, not by its holder ${holder.did}`],
    ['no challenge asked', vpJwt(), { domain: DOMAIN }, '✗ options.challenge is required to check the holder\'s proof: it is what prevents a presentation from being replayed'],
    ['another nonce', vpJwt({ nonce: 'job-1' }), undefined, '✗ The presentation\'s nonce "job-1" is not the challenge job-4711'],
    ['no nonce', vpJwt({ nonce: undefined }), undefined, '✗ The presentation\'s nonce (none) is not the challenge job-4711'],
    ['another audience', vpJwt({ aud: 'other.example' }), undefined, `✗ The presentation's aud does not name the domain ${DOMAIN}`],
    ['no audience', vpJwt({ aud: undefined }), undefined, `✗ The presentation's aud does not name the domain ${DOMAIN}`],
    ['a key the holder does not have', vpJwt({}, { kid: `${holder.did}#key-9` }), undefined, `✗ Key ${holder.did}#key-9 is not in the DID document of ${holder.did}`],
    ['a holder DID not resolvable', vpJwt({ holder: 'did:web:elsewhere.example' }, { kid: 'did:web:elsewhere.example#key-1' }), undefined,
      '✗ Cannot resolve did:web:elsewhere.example: it is not hosted by this service and remote did:web resolution is off (PASSERELLE_RESOLVE_REMOTE_DIDS=true enables it)'],
    ['expired', vpJwt({ exp: nowSeconds - 60 }), undefined, `✗ The presentation JWT is not valid now: Expired on ${new Date((nowSeconds - 60) * 1000).toISOString()}`],
  ];
  for (const [what, jwt, options, message] of refusals) t.equal(await presentationCheck(await jwt, options), message, what);
  const [h, , s] = (await vpJwt()).split('.');
  t.equal(await presentationCheck(`${h}.${base64url(presentation({ holder: holder.did, extra: 1 }))}.${s}`), '✗ Holder signature invalid: signature verification failed', 'a changed presentation');

  const { nonce: _nonce, aud: _aud, ...unsignedPresentation } = presentation();
  const signedVp = await signPresentation({ presentation: unsignedPresentation, keyPair: holder.keyPair as never, documentLoader: ctx.services.documentLoader, challenge: CHALLENGE, domain: DOMAIN, now: ctx.clock.now() });
  t.equal(await presentationCheck(signedVp), 'Holder signature valid (challenge and domain match)', 'a Data Integrity presentation');
  t.match(await presentationCheck(signedVp, { challenge: 'job-1', domain: DOMAIN }), /^✗ Holder signature invalid: .+/, 'another challenge');
  t.equal(await presentationCheck(signedVp, { domain: DOMAIN }), '✗ options.challenge is required to check the holder\'s proof: it is what prevents a presentation from being replayed', 'no challenge');
  const { proof: _proof, ...unsignedVp } = signedVp as JsonObject;
  t.equal(await presentationCheck(unsignedVp), '✗ The presentation is not signed by its holder', 'unsigned');

  const refusedAs = async (input: unknown) => {
    const response = await verifyPresentation(input);
    return { ...problemOf(response), detail: response.json().detail as string };
  };
  t.same(await refusedAs(7), { status: 400, code: 'invalid-request', detail: 'The body is not as expected: body/verifiablePresentation must be object,string' }, 'a number');
  t.same(await refusedAs({ '@context': VC2, type: 'EnvelopedVerifiablePresentation', id: `data:application/vc+jwt,${await vpJwt()}` }),
    { status: 400, code: 'invalid-envelope', detail: 'An EnvelopedVerifiablePresentation must have an id starting with "data:application/vp+jwt,"' }, 'a presentation envelope of a credential\'s media type');
  const enveloped = await verifyPresentation({ '@context': 'https://example.org/context', type: 'EnvelopedVerifiablePresentation', id: `data:application/vp+jwt,${await vpJwt()}` });
  t.same([checksOf(enveloped.json()).envelope, checksOf(enveloped.json()).presentation],
    ['✗ The EnvelopedVerifiablePresentation\'s @context must be "https://www.w3.org/ns/credentials/v2" or an array starting with it (got "https://example.org/context")',
      'Holder signature valid (vp+jwt, EdDSA; nonce and aud match)'], 'a presentation envelope with another context');
});
