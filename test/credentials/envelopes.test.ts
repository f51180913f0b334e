import crypto from 'node:crypto';
import t from 'tap';
import { CompactSign, importJWK } from 'jose';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { buildTestApp, plainCredential, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;
const VC2 = 'https://www.w3.org/ns/credentials/v2';

async function issueJwt(ctx: TestApp, auth: Json) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { format: 'vc+jwt', issuer: 'organisation' } } });
  return response.json().verifiableCredential as Json;
}

const verify = async (ctx: TestApp, verifiableCredential: unknown) =>
  ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });

t.test('an EnvelopedVerifiableCredential needs the VC 2.0 context first and its type', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const envelope = await issueJwt(ctx, auth);
  const valid: Array<[string, Json]> = [
    ['as issued (context as a string)', envelope],
    ['context as an array starting with VC 2.0', { ...envelope, '@context': [VC2] }],
  ];
  for (const [what, candidate] of valid) {
    const response = await verify(ctx, candidate);
    t.equal(response.statusCode, 200, `${what}: 200`);
    t.equal(response.json().verified, true, `${what}: verified`);
  }
  const invalid: Array<[string, Json]> = [
    ['an empty @context', { ...envelope, '@context': [] }],
    ['no @context', { id: envelope.id, type: envelope.type }],
    ['the VC 1.1 context', { ...envelope, '@context': ['https://www.w3.org/2018/credentials/v1'] }],
    ['VC 2.0 not first', { ...envelope, '@context': ['https://www.w3.org/ns/credentials/examples/v2', VC2] }],
  ];
  for (const [what, candidate] of invalid) {
    const response = await verify(ctx, candidate);
    t.equal(response.statusCode, 400, `${what}: 400`);
    t.equal(response.json().verified, false, `${what}: not verified`);
    t.same(response.json().checks[0], { id: 'envelope', valid: false, message: response.json().checks[0].message }, `${what}: the envelope check fails`);
    t.match(response.json().checks[0].message, /@context must be/, `${what}: says why`);
  }
});

/** A holder with a did:key, able to sign a vp+jwt. */
async function holderKey() {
  const keyPair = await Ed25519Multikey.generate();
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  const kid = `${did}#${keyPair.publicKeyMultibase}`;
  const jwk = await Ed25519Multikey.toJwk({ keyPair });
  // The JWK's d is the 32-byte seed; the multikey's secret key is the seed followed by the public key.
  const d = Buffer.from(keyPair.secretKey.slice(0, 32)).toString('base64url');
  const privateKey = await importJWK({ ...jwk, d, alg: 'EdDSA' }, 'EdDSA');
  const sign = (payload: Json, header: Json = {}) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ: 'vp+jwt', cty: 'vp', kid, ...header } as never).sign(privateKey);
  return { did, kid, sign };
}

t.test('an EnvelopedVerifiablePresentation (vp+jwt) verifies the holder, the nonce and aud, and each credential inside', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const credential = await issueJwt(ctx, auth);
  const holder = await holderKey();
  const presentation = (extra: Json = {}) => ({
    '@context': [VC2], type: ['VerifiablePresentation'], id: `urn:uuid:${crypto.randomUUID()}`, holder: holder.did,
    verifiableCredential: [credential], nonce: 'job-4711', aud: 'hr.example.es', ...extra,
  });
  const envelopeOf = (jwt: string, extra: Json = {}) => ({ '@context': VC2, id: `data:application/vp+jwt,${jwt}`, type: 'EnvelopedVerifiablePresentation', ...extra });
  const options = { challenge: 'job-4711', domain: 'hr.example.es' };
  const verifyVp = (verifiablePresentation: unknown, opts: Json = options) =>
    ctx.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation, options: opts } });

  const jwt = await holder.sign(presentation());
  for (const [what, input] of [['the envelope', envelopeOf(jwt)], ['the compact vp+jwt', jwt]] as Array<[string, unknown]>) {
    const ok = await verifyVp(input);
    t.equal(ok.statusCode, 200, `${what}: 200`, { body: ok.body });
    t.equal(ok.json().verified, true, `${what}: verified`);
    t.equal(ok.json().credentialResults.length, 1, `${what}: one credential checked`);
    t.equal(ok.json().credentialResults[0].format, 'vc+jwt', `${what}: the enveloped credential was verified as vc+jwt`);
  }

  const other = await holderKey();
  const [head, , signature] = jwt.split('.');
  const tamperedBody = Buffer.from(JSON.stringify(presentation({ nonce: 'job-9999' }))).toString('base64url');
  const failures: Array<[string, unknown, Json, RegExp, string]> = [
    ['another challenge', envelopeOf(jwt), { ...options, challenge: 'job-0001' }, /nonce/, 'presentation'],
    ['another domain', envelopeOf(jwt), { ...options, domain: 'evil.example' }, /aud/, 'presentation'],
    ['no challenge', envelopeOf(jwt), {}, /challenge is required/, 'presentation'],
    ['a changed payload', envelopeOf(`${head}.${tamperedBody}.${signature}`), { ...options, challenge: 'job-9999' }, /signature invalid/, 'presentation'],
    ['signed by someone other than the holder', envelopeOf(await other.sign(presentation())), options, /not by its holder/, 'presentation'],
    ['an empty envelope @context', envelopeOf(jwt, { '@context': [] }), options, /@context must be/, 'envelope'],
  ];
  for (const [what, input, opts, message, checkId] of failures) {
    const response = await verifyVp(input, opts);
    t.equal(response.statusCode, 400, `${what}: 400`);
    t.equal(response.json().verified, false, `${what}: not verified`);
    const check = response.json().checks.find((c: Json) => c.id === checkId);
    t.equal(check?.valid, false, `${what}: ${checkId} check fails`);
    t.match(check?.message, message, `${what}: says why`);
  }
  const badInside = await verifyVp(await holder.sign(presentation({ verifiableCredential: [{ ...credential, id: `${credential.id.slice(0, -3)}abc` }] })));
  t.equal(badInside.statusCode, 400, 'a broken credential inside: 400');
  t.equal(badInside.json().checks.find((c: Json) => c.id === 'presentation').valid, true, 'a broken credential inside: the holder signature is fine');
  t.equal(badInside.json().credentialResults[0].verified, false, 'a broken credential inside: reported');

  const malformed = await verifyVp({ '@context': VC2, type: 'EnvelopedVerifiablePresentation', id: 'data:application/vc+jwt,abc' });
  t.equal(malformed.statusCode, 400, 'an envelope with another media type: 400');
  t.equal(malformed.json().code, 'invalid-envelope', 'an envelope with another media type: invalid-envelope');
});
