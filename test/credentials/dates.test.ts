import t from 'tap';
import { generateKeyPair, SignJWT } from 'jose';
import { readDateTime, readNumericDate } from '../../src/credentials/dates.js';
import { validityOf } from '../../src/credentials/verify.js';
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

t.test('each date reader called directly: a date, nothing, or why not', async (t) => {
  const outside = (name: string, value: unknown) => `${name} (${String(value)}) is outside the dates this service can represent (years -271821 to 275760)`;
  const dateTimes: Array<[unknown, unknown]> = [
    [undefined, {}],
    ['2026-03-01T08:30:00Z', { date: new Date('2026-03-01T08:30:00Z') }],
    ['2026-03-01t08:30:00.250+01:00', { date: new Date('2026-03-01T07:30:00.250Z') }],
    ['-000100-01-01T00:00:00Z', { date: new Date('-000100-01-01T00:00:00Z') }],
    ['+275761-01-01T00:00:00Z', { problem: 'validFrom is not an XML Schema date-time (got "+275761-01-01T00:00:00Z")' }],
    ['275761-01-01T00:00:00Z', { problem: outside('validFrom', '275761-01-01T00:00:00Z') }],
    ['2026-03-01', { problem: 'validFrom is not an XML Schema date-time (got "2026-03-01")' }],
    ['2026-03-01T08:30:00', { problem: 'validFrom is not an XML Schema date-time (got "2026-03-01T08:30:00")' }],
    ['2026-13-01T08:30:00Z', { problem: 'validFrom is not an XML Schema date-time (got "2026-13-01T08:30:00Z")' }],
    ['2026-03-01T24:00:00Z', { problem: 'validFrom is not an XML Schema date-time (got "2026-03-01T24:00:00Z")' }],
    [` 2026-03-01T08:30:00Z${'x'.repeat(50)}`, { problem: `validFrom is not an XML Schema date-time (got " 2026-03-01T08:30:00Z${'x'.repeat(18)})` }],
    ['2026-03-15T08:30:00Z', { date: new Date('2026-03-15T08:30:00Z') }],
    ['2026-03-01T08:30:00+23:00', { date: new Date('2026-02-28T09:30:00Z') }],
    ['2026-03-01T08:30:00Z and more', { problem: 'validFrom is not an XML Schema date-time (got "2026-03-01T08:30:00Z and more")' }],
    [['2026-03-01T08:30:00Z'], { problem: 'validFrom is not an XML Schema date-time (got ["2026-03-01T08:30:00Z"])' }],
    [() => '2026-03-01T08:30:00Z', { problem: 'validFrom is not an XML Schema date-time (got undefined)' }],
    [1767225600, { problem: 'validFrom is not an XML Schema date-time (got 1767225600)' }],
    [null, { problem: 'validFrom is not an XML Schema date-time (got null)' }],
  ];
  for (const [value, reading] of dateTimes) t.same(readDateTime(value, 'validFrom'), reading, `validFrom ${JSON.stringify(value) ?? String(value)}`);
  const numericDates: Array<[unknown, unknown]> = [
    [undefined, {}],
    [1767225600.5, { date: new Date(1767225600500) }],
    [-8.64e12, { date: new Date(-8.64e15) }],
    [8.64e12 + 1, { problem: outside('JWT claim exp', 8.64e12 + 1) }],
    [-8.64e12 - 1, { problem: outside('JWT claim exp', -8.64e12 - 1) }],
    [Number.POSITIVE_INFINITY, { problem: 'JWT claim exp is not a NumericDate (seconds since 1970)' }],
    ['1767225600', { problem: 'JWT claim exp is not a NumericDate (seconds since 1970)' }],
  ];
  for (const [value, reading] of numericDates) t.same(readNumericDate(value, 'exp'), reading, `exp ${String(value)}`);
});

t.test('validity from a credential\'s dates and a JWT\'s claims: the latest start, the earliest end', async (t) => {
  const now = new Date('2026-06-01T00:00:00Z');
  const cases: Array<[string, Json, Json | undefined, [boolean, string]]> = [
    ['no dates', {}, undefined, [true, 'Valid (no expiry date)']],
    ['within its dates', { validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }, undefined, [true, 'Valid until 2027-01-01T00:00:00.000Z']],
    ['VC 1.1 dates', { issuanceDate: '2026-07-01T00:00:00Z', expirationDate: '2027-01-01T00:00:00Z' }, undefined, [false, 'Not valid yet: valid from 2026-07-01T00:00:00.000Z']],
    ['validFrom over issuanceDate', { validFrom: '2026-01-01T00:00:00Z', issuanceDate: '2026-07-01T00:00:00Z' }, undefined, [true, 'Valid (no expiry date)']],
    ['validUntil over expirationDate', { validUntil: '2027-01-01T00:00:00Z', expirationDate: '2026-01-01T00:00:00Z' }, undefined, [true, 'Valid until 2027-01-01T00:00:00.000Z']],
    ['expired', { validUntil: '2026-05-31T23:59:59Z' }, undefined, [false, 'Expired on 2026-05-31T23:59:59.000Z']],
    ['ending now', { validUntil: '2026-06-01T00:00:00Z' }, undefined, [true, 'Valid until 2026-06-01T00:00:00.000Z']],
    ['starting now', { validFrom: '2026-06-01T00:00:00Z' }, undefined, [true, 'Valid (no expiry date)']],
    ['nbf later than validFrom', { validFrom: '2026-01-01T00:00:00Z' }, { nbf: Date.parse('2026-07-01T00:00:00Z') / 1000 }, [false, 'Not valid yet: valid from 2026-07-01T00:00:00.000Z']],
    ['validFrom later than nbf', { validFrom: '2026-07-01T00:00:00Z' }, { nbf: Date.parse('2026-01-01T00:00:00Z') / 1000 }, [false, 'Not valid yet: valid from 2026-07-01T00:00:00.000Z']],
    ['exp earlier than validUntil', { validUntil: '2027-01-01T00:00:00Z' }, { exp: Date.parse('2026-12-01T00:00:00Z') / 1000 }, [true, 'Valid until 2026-12-01T00:00:00.000Z']],
    ['validUntil earlier than exp', { validUntil: '2026-12-01T00:00:00Z' }, { exp: Date.parse('2027-01-01T00:00:00Z') / 1000 }, [true, 'Valid until 2026-12-01T00:00:00.000Z']],
    ['two unreadable dates', { validFrom: 'soon', validUntil: 5 }, { exp: 'later' }, [false, 'validFrom is not an XML Schema date-time (got "soon"); validUntil is not an XML Schema date-time (got 5); JWT claim exp is not a NumericDate (seconds since 1970)']],
  ];
  for (const [what, credential, claims, expected] of cases) t.same(validityOf(credential, now, claims), expected, what);
});

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
