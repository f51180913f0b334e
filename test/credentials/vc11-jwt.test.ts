import t from 'tap';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { buildTestApp } from '../helpers/app.js';
import { credentialFromVc11Claims, vc11JwtClaims } from '../../src/credentials/jwtVc11.js';

type Json = Record<string, any>;
const V1 = 'https://www.w3.org/2018/credentials/v1';

/** VC Data Model 1.1, §6.3.1 (Example 31): the JWT payload of a credential, as the specification gives it. */
const SPEC_EXAMPLE_PAYLOAD = {
  sub: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
  jti: 'http://example.edu/credentials/3732',
  iss: 'https://example.com/keys/foo.jwk',
  nbf: 1541493724,
  iat: 1541493724,
  exp: 1573029723,
  nonce: '660!6345FSer',
  vc: {
    '@context': [V1, 'https://www.w3.org/2018/credentials/examples/v1'],
    type: ['VerifiableCredential', 'UniversityDegreeCredential'],
    credentialSubject: { degree: { type: 'BachelorDegree', name: '<span lang=\'fr-CA\'>Baccalauréat en musiques numériques</span>' } },
  },
};

/** VC Data Model 1.1, Example 1-style credential (its ids and dates), to encode. */
const SPEC_CREDENTIAL = {
  '@context': [V1, 'https://www.w3.org/2018/credentials/examples/v1'],
  id: 'http://example.edu/credentials/1872',
  type: ['VerifiableCredential', 'AlumniCredential'],
  issuer: 'https://example.edu/issuers/565049',
  issuanceDate: '2010-01-01T19:23:24Z',
  credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21', alumniOf: { id: 'did:example:c276e12ec21ebfeb1f712ebc6f1', name: 'Example University' } },
};

t.test('decoding the VC 1.1 specification\'s JWT example maps iss, jti, sub, nbf and exp into the credential', async (t) => {
  const { credential, conflicts } = credentialFromVc11Claims(structuredClone(SPEC_EXAMPLE_PAYLOAD));
  t.same(conflicts, [], 'no conflict');
  t.equal(credential.issuer, 'https://example.com/keys/foo.jwk', 'iss -> issuer');
  t.equal(credential.id, 'http://example.edu/credentials/3732', 'jti -> id');
  t.equal((credential.credentialSubject as Json).id, 'did:example:ebfeb1f712ebc6f1c276e12ec21', 'sub -> credentialSubject.id');
  t.equal((credential.credentialSubject as Json).degree.type, 'BachelorDegree', 'the subject\'s own claims kept');
  t.equal(credential.issuanceDate, '2018-11-06T08:42:04Z', 'nbf -> issuanceDate');
  t.equal(credential.expirationDate, '2019-11-06T08:42:03Z', 'exp -> expirationDate');
  t.notOk('nonce' in credential, 'other claims stay out of the credential');
});

t.test('encoding a VC 1.1 credential gives the registered claims beside the vc claim', async (t) => {
  const claims = vc11JwtClaims(structuredClone(SPEC_CREDENTIAL));
  t.same({ iss: claims.iss, jti: claims.jti, nbf: claims.nbf, sub: claims.sub }, {
    iss: 'https://example.edu/issuers/565049', jti: 'http://example.edu/credentials/1872', nbf: 1262373804, sub: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
  }, 'iss, jti, nbf, sub');
  t.notOk('exp' in claims, 'no exp without an expirationDate');
  t.same(claims.vc, SPEC_CREDENTIAL, 'the credential itself in vc');
  t.equal(vc11JwtClaims({ ...SPEC_CREDENTIAL, issuer: { id: 'https://example.edu/issuers/565049', name: 'Example University' }, expirationDate: '2020-01-01T19:23:24Z' }).exp, 1577906604, 'exp; iss from an issuer object');
  const roundTrip = credentialFromVc11Claims(claims as Json & { vc: Json });
  t.same(roundTrip, { credential: SPEC_CREDENTIAL, conflicts: [] }, 'decodes back to the same credential');
});

t.test('claims that contradict the vc claim are conflicts', async (t) => {
  const cases: Array<[string, Json, RegExp]> = [
    ['issuer', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, issuer: 'https://example.com/other' } }, /iss .* vc\.issuer/],
    ['issuer object', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, issuer: { id: 'https://example.com/other' } } }, /iss .* vc\.issuer/],
    ['id', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, id: 'http://example.edu/credentials/1' } }, /jti .* vc\.id/],
    ['subject', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, credentialSubject: { id: 'did:example:someone-else' } } }, /sub .* vc\.credentialSubject\.id/],
    ['two subjects', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, credentialSubject: [{ id: 'did:example:a' }, { id: 'did:example:b' }] } }, /not one object/],
    ['issuanceDate', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, issuanceDate: '2018-01-01T00:00:00Z' } }, /nbf .* vc\.issuanceDate/],
    ['expirationDate', { vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, expirationDate: '2030-01-01T00:00:00Z' } }, /exp .* vc\.expirationDate/],
  ];
  for (const [what, change, message] of cases) {
    const { conflicts } = credentialFromVc11Claims({ ...structuredClone(SPEC_EXAMPLE_PAYLOAD), ...change } as Json & { vc: Json });
    t.equal(conflicts.length, 1, `${what}: one conflict`);
    t.match(conflicts[0], message, `${what}: named`);
  }
  const agreeing = credentialFromVc11Claims({ ...structuredClone(SPEC_EXAMPLE_PAYLOAD), vc: { ...SPEC_EXAMPLE_PAYLOAD.vc, issuer: { id: SPEC_EXAMPLE_PAYLOAD.iss, name: 'Example' }, issuanceDate: '2018-11-06T08:42:04Z' } });
  t.same(agreeing.conflicts, [], 'the same values in both: no conflict');
  t.same(agreeing.credential.issuer, { id: SPEC_EXAMPLE_PAYLOAD.iss, name: 'Example' }, 'an issuer object keeps its other members');
});

t.test('a VC 1.1 credential issued as a JWT carries the vc claim and verifies; tampering and conflicts fail', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer();
  const credential = { '@context': [V1], type: ['VerifiableCredential'], issuer: did, credentialSubject: { id: 'did:example:worker-42' } };
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { format: 'vc+jwt' } } });
  t.equal(issued.statusCode, 201, 'issued');
  const jwt = issued.json().verifiableCredential as string;
  t.type(jwt, 'string', 'the compact JWT itself');
  const header = decodeProtectedHeader(jwt);
  t.same({ alg: header.alg, typ: header.typ }, { alg: 'EdDSA', typ: 'JWT' }, 'typ JWT');
  t.match(header.kid, new RegExp(`^${did}#`), 'kid is a key of the organisation');
  const claims = decodeJwt(jwt) as Json;
  t.equal(claims.iss, did, 'iss');
  t.equal(claims.sub, 'did:example:worker-42', 'sub');
  t.equal(claims.jti, claims.vc.id, 'jti');
  t.equal(claims.nbf, Math.floor(Date.parse(claims.vc.issuanceDate) / 1000), 'nbf');
  t.equal(claims.vc.credentialStatus.type, 'BitstringStatusListEntry', 'a status entry in vc');

  const verify = async (verifiableCredential: unknown) => ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const ok = await verify(jwt);
  t.equal(ok.statusCode, 200, 'verifies');
  t.same(ok.json().checks.map((c: Json) => c.id), ['proof', 'issuer', 'validity', 'status'], 'every check ran');
  t.equal(ok.json().credential.issuer, did, 'mapped back');

  const [head, , signature] = jwt.split('.');
  const changed = { ...claims, sub: 'did:example:someone-else' };
  const tampered = await verify(`${head}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`);
  t.equal(tampered.statusCode, 400, 'a changed sub: 400');
  t.equal(tampered.json().checks.find((c: Json) => c.id === 'proof').valid, false, 'a changed sub: the proof fails');

  // A correctly signed JWT whose claims and vc disagree (signed with a did:key of its own, so the signature is valid).
  const keyPair = await Ed25519Multikey.generate();
  const signer = `did:key:${keyPair.publicKeyMultibase}`;
  const jwk = await Ed25519Multikey.toJwk({ keyPair });
  const privateKey = await importJWK({ ...jwk, d: Buffer.from(keyPair.secretKey.slice(0, 32)).toString('base64url'), alg: 'EdDSA' }, 'EdDSA');
  const conflicting = await new SignJWT({ iss: signer, sub: 'did:example:worker-42', vc: { ...credential, issuer: 'did:example:someone-else' } })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: `${signer}#${keyPair.publicKeyMultibase}` }).sign(privateKey);
  const result = await verify(conflicting);
  t.equal(result.statusCode, 400, 'conflicting claims: 400');
  t.equal(result.json().checks.find((c: Json) => c.id === 'proof').valid, true, 'conflicting claims: the signature is valid');
  const claimsCheck = result.json().checks.find((c: Json) => c.id === 'claims');
  t.equal(claimsCheck?.valid, false, 'conflicting claims: the claims check fails');
  t.match(claimsCheck?.message, /iss .* vc\.issuer/, 'conflicting claims: named');

  const forWallet = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { format: 'vc+jwt', holder: { name: 'Amina', phone: '+212 612 345 678' } } } });
  t.equal(forWallet.statusCode, 400, 'a VC 1.1 JWT for a wallet: 400');
  t.equal(forWallet.json().code, 'unsupported-format-for-wallet', 'a VC 1.1 JWT for a wallet: code');
});
