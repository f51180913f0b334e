/**
 * The employer's report on one credential (src/wallet/credentialReport.ts) called directly: each check becomes a
 * finding with an outcome and a reason a page can word, the worst finding decides the credential's state, and only an
 * unknown issuer turns a genuine credential amber. Credentials come from the service, and from a did:key issuer written
 * by hand where the service would refuse to sign (an unknown issuer, unreadable dates, a key that is not the issuer's).
 */
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import t from 'tap';
import { nameIdentity } from '../../src/credentials/holderIdentity.js';
import { signCredential } from '../../src/credentials/vcLibrary.js';
import { reportOn, type CredentialReport, type ReportDeps } from '../../src/wallet/credentialReport.js';
import { BASE_URL, buildTestApp, openBadgeCredential, plainCredential } from '../helpers/app.js';
import { setStatus } from '../helpers/wallet.js';

type Json = Record<string, any>;
const DAY = 24 * 60 * 60 * 1000;

const ctx = await buildTestApp(t);
const { auth, did } = await ctx.issuer();
const deps: ReportDeps = {
  verifyDeps: ctx.services.verifyDeps, organisationByDid: (id) => ctx.services.repos.organisations.byDid(id), accreditations: ctx.services.repos.accreditations,
};
const issue = async (credential: Json, options: Json = {}) => {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...options } } });
  if (response.statusCode !== 201) throw new Error(`issuance failed: ${response.statusCode}`);
  return response.json().verifiableCredential as Json;
};
/** The report's verdict and state, and its findings as check:outcome:reason. */
const outline = (report: CredentialReport) => ({ verdict: report.verdict, state: report.state, findings: report.findings.map((f) => `${f.check}:${f.outcome}:${f.reason}`) });
const report = (credential: unknown, options: { holderName?: string } = {}) => reportOn(deps, credential, { lang: 'fr', ...options });

const keyPair = await Ed25519Multikey.generate() as Json;
const stranger = `did:key:${keyPair.publicKeyMultibase}`;
Object.assign(keyPair, { id: `${stranger}#${keyPair.publicKeyMultibase}`, controller: stranger });
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A vc+jwt by the did:key issuer, signed over whatever it says (the service would refuse unreadable dates). */
async function jwtByStranger(credential: Json): Promise<string> {
  const input = `${base64url({ alg: 'EdDSA', typ: 'vc+jwt', kid: keyPair.id })}.${base64url(credential)}`;
  return `${input}.${Buffer.from(await keyPair.signer().sign({ data: new TextEncoder().encode(input) })).toString('base64url')}`;
}
const signedByStranger = (credential: Json) =>
  signCredential({ credential, format: 'eddsa-rdfc-2022', keyPair: keyPair as never, documentLoader: ctx.services.documentLoader, now: ctx.clock.now() });

const SCHEMA = { id: `${BASE_URL}/schemas/open-badge-achievement-credential.json`, type: 'JsonSchema' };
const GENUINE = ['proof:pass:signature-intact', 'issuer:pass:issuer-known', 'trust:warning:not-accredited'];

t.test('a genuine credential in force: valid, its checks passed, its end date given', async (t) => {
  const answer = await report(await issue(openBadgeCredential({ validUntil: '2099-01-01T00:00:00Z', credentialSchema: SCHEMA })));
  t.same(outline(answer), { verdict: 'valid', state: 'valid', findings: [...GENUINE, 'validity:pass:within-dates', 'status:pass:not-revoked', 'schema:pass:schema-valid'] }, 'valid');
  t.same(answer.findings.find((f) => f.check === 'validity'), {
    check: 'validity', outcome: 'pass', reason: 'within-dates', date: '2099-01-01T00:00:00.000Z', message: 'Valid until 2099-01-01T00:00:00.000Z',
  }, 'the date the validity finding refers to');
  t.same([answer.issuer.id, answer.issuer.organisation?.did, answer.format], [did, did, 'data-integrity'], 'the issuing organisation');
  t.same(outline(await report(await issue(plainCredential()))).findings, [...GENUINE, 'validity:pass:no-end-date', 'status:pass:not-revoked'], 'no end date');
});

t.test('a hashed name is confirmed by typing it; a name in clear needs no check', async (t) => {
  const hashed = await issue(openBadgeCredential(), { holder: { name: 'Kofi Mensah', phone: '+233 20 123 4567', nameInCredential: 'hashed' } });
  t.same((await report(hashed, { holderName: ' Kofi  Mensah ' })).holderCheck, { name: 'Kofi  Mensah', matches: true }, 'the name, spaced differently');
  t.same((await report(hashed, { holderName: 'kofi mensah' })).holderCheck, { name: 'kofi mensah', matches: false }, 'another case');
  t.notOk('holderCheck' in await report(hashed, { holderName: '  ' }), 'nothing typed');
  const plain = await report(await issue(openBadgeCredential({ credentialSubject: { ...openBadgeCredential().credentialSubject as Json, identifier: [nameIdentity('Kofi Mensah')] } })), { holderName: 'Kofi Mensah' });
  t.same([plain.holder, 'holderCheck' in plain], [{ kind: 'name', name: 'Kofi Mensah' }, false], 'a name in clear');
});

// Moves the clock two days on: last.
t.test('each failed check gives its reason, and the worst decides the state', async (t) => {
  const revoked = await issue(plainCredential({ validUntil: new Date(ctx.clock.now().getTime() + DAY).toISOString() }));
  await setStatus(ctx, auth, revoked.id, 'revocation', true);
  const suspended = await issue(plainCredential({ validUntil: new Date(ctx.clock.now().getTime() + DAY).toISOString() }),
    { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } });
  await setStatus(ctx, auth, suspended.id, 'suspension', true);
  const expiring = await issue(plainCredential({ validUntil: new Date(ctx.clock.now().getTime() + DAY).toISOString() }));
  const elsewhere = { id: 'https://status.example.org/lists/3#94567', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '94567', statusListCredential: 'https://status.example.org/lists/3' };
  const cases: Array<[string, unknown, Json]> = [
    ['revoked', revoked, { verdict: 'revoked', state: 'revoked', findings: [...GENUINE, 'validity:pass:within-dates', 'status:fail:revoked'] }],
    ['suspended', suspended, { verdict: 'suspended', state: 'suspended', findings: [...GENUINE, 'validity:pass:within-dates', 'status:fail:suspended'] }],
    ['not yet valid', await issue(plainCredential({ validFrom: '2099-01-01T00:00:00Z' })),
      { verdict: 'not-yet-valid', state: 'not-yet-valid', findings: [...GENUINE, 'validity:fail:not-yet-valid', 'status:pass:not-revoked'] }],
    ['not matching its schema', await issue(plainCredential({ credentialSchema: SCHEMA })),
      { verdict: 'invalid', state: 'invalid', findings: [...GENUINE, 'validity:pass:no-end-date', 'status:pass:not-revoked', 'schema:fail:schema-invalid'] }],
    ['its status list elsewhere', await issue(plainCredential({ credentialStatus: elsewhere }), { credentialStatus: false }),
      { verdict: 'invalid', state: 'invalid', findings: [...GENUINE, 'validity:pass:no-end-date', 'status:fail:status-unavailable'] }],
    ['changed after signing', { ...(await issue(plainCredential())), name: 'Chef de chantier' },
      { verdict: 'invalid', state: 'invalid', findings: ['proof:fail:signature-broken', 'issuer:pass:issuer-known', 'validity:pass:no-end-date', 'status:pass:not-revoked'] }],
    ['signed for a registered issuer by another key', await signedByStranger(plainCredential({ issuer: did })),
      { verdict: 'invalid', state: 'invalid', findings: ['proof:fail:signature-broken', 'issuer:fail:issuer-unconfirmed', 'validity:pass:no-end-date'] }],
    ['from an unknown issuer', await signedByStranger(plainCredential({ issuer: stranger })),
      { verdict: 'valid-issuer-unknown', state: 'valid', findings: ['proof:pass:signature-intact', 'issuer:warning:issuer-unknown', 'trust:warning:not-accredited', 'validity:pass:no-end-date'] }],
    ['with dates that cannot be read', await jwtByStranger(plainCredential({ issuer: stranger, validUntil: 'soon' })),
      { verdict: 'invalid', state: 'invalid', findings: ['proof:pass:signature-intact', 'issuer:warning:issuer-unknown', 'trust:warning:not-accredited', 'validity:fail:dates-malformed'] }],
    ['claims that contradict the credential', await jwtByStranger({ iss: did, vc: plainCredential({ '@context': ['https://www.w3.org/2018/credentials/v1'], issuer: stranger }) }),
      { verdict: 'invalid', state: 'invalid', findings: ['proof:pass:signature-intact', 'issuer:fail:issuer-unconfirmed', 'claims:fail:other-invalid', 'validity:pass:no-end-date'] }],
  ];
  for (const [what, credential, expected] of cases) t.same(outline(await report(credential)), expected, what);

  ctx.clock.advance(2 * DAY);
  t.same(outline(await report(expiring)), { verdict: 'expired', state: 'expired', findings: [...GENUINE, 'validity:fail:expired', 'status:pass:not-revoked'] }, 'expired');
  t.same([(await report(revoked)).state, (await report(suspended)).state], ['revoked', 'suspended'], 'revoked or suspended and expired: revoked, suspended');
  t.equal((await report({ ...revoked, name: 'Chef de chantier' })).state, 'invalid', 'changed, revoked and expired: invalid');
});
