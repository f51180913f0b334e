import t from 'tap';
import { generateKeyPair, SignJWT } from 'jose';
import { buildTestApp, plainCredential, type TestApp } from '../helpers/app.js';
import { FORM } from '../helpers/wallet.js';

type Json = Record<string, any>;

async function jwtOf(claims: Json, kid: string) {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid }).sign(privateKey);
}

async function verify(ctx: TestApp, verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const validity = (response.json().checks as Array<{ id: string; valid: boolean; message: string }> | undefined)?.find((c) => c.id === 'validity');
  return { response, validity };
}

t.test('out-of-range JWT dates are a failed validity check, not a 500', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const cases: Array<[string, Json, RegExp]> = [
    ['exp 1e308', { ...plainCredential({ issuer: did }), exp: 1e308 }, /JWT claim exp \(1e\+308\) is outside the dates/],
    ['nbf -1e308', { ...plainCredential({ issuer: did }), nbf: -1e308 }, /JWT claim nbf .* is outside the dates/],
    ['exp as a string', { ...plainCredential({ issuer: did }), exp: 'tomorrow' }, /JWT claim exp is not a NumericDate/],
    ['VC 1.1 vc claim with exp 1e308', { vc: plainCredential({ '@context': ['https://www.w3.org/2018/credentials/v1'] }), iss: did, exp: 1e308 }, /JWT claim exp \(1e\+308\)/],
  ];
  for (const [what, claims, message] of cases) {
    const jwt = await jwtOf(claims, `${did}#key-1`);
    const { response, validity } = await verify(ctx, jwt);
    t.equal(response.statusCode, 400, `${what}: answered`);
    t.equal(validity?.valid, false, `${what}: validity fails`);
    t.match(validity?.message, message, `${what}: says why`);
  }
});

t.test('out-of-range and malformed date strings are a failed validity check', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const cases: Array<[string, Json, RegExp]> = [
    ['year 275761', { validUntil: '275761-01-01T00:00:00Z' }, /validUntil \(275761-01-01T00:00:00Z\) is outside the dates/],
    ['a bare year', { validFrom: '2024' }, /validFrom is not an XML Schema date-time/],
    ['a number', { validFrom: 1e308 }, /validFrom is not an XML Schema date-time/],
  ];
  for (const [what, dates, message] of cases) {
    const { response, validity } = await verify(ctx, await jwtOf(plainCredential({ issuer: did, ...dates }), `${did}#key-1`));
    t.equal(response.statusCode, 400, `${what}: answered`);
    t.equal(validity?.valid, false, `${what}: validity fails`);
    t.match(validity?.message, message, `${what}: says why`);
  }
});

t.test('the /verify page shows a credential with exp 1e308 as not valid', async (t) => {
  const ctx = await buildTestApp(t);
  const { did } = await ctx.issuer();
  const jwt = await jwtOf({ ...plainCredential({ issuer: did }), exp: 1e308 }, `${did}#key-1`);
  const page = await ctx.app.inject({ method: 'POST', url: '/verify', headers: FORM, payload: new URLSearchParams({ credential: jwt }).toString() });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], 'text/html');
});
