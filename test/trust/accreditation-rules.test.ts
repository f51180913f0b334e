import crypto from 'node:crypto';
import t from 'tap';
import type { Accreditation } from '../../src/db/repositories/accreditations.js';
import { grantAccreditation, withdrawAccreditation, type AccreditationDeps } from '../../src/trust/accreditations.js';
import { entryOf, exportList, importList, type TrustedIssuerEntry, type TrustedIssuerList } from '../../src/trust/trustedIssuerList.js';
import { buildTestApp } from '../helpers/app.js';
import { problemThrownBy } from '../helpers/problems.js';

// The rules of granting, withdrawing, exporting and importing accreditations, through the domain functions on a real
// database: the problems a recognition authority's administrator reads, and what is stored.

type Json = Record<string, any>;

async function setUp(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t);
  await ctx.createOrganisation('incual', { kind: 'recognition-authority', country: 'ES', name: { en: 'INCUAL (Spain)' } });
  await ctx.createOrganisation('anapec', { kind: 'recognition-authority', country: 'MA', name: { fr: 'ANAPEC' } });
  const centre = await ctx.issuer('ofppt-casa', { name: { fr: 'OFPPT Casablanca' } });
  const organisation = async (slug: string) => (await ctx.services.repos.organisations.bySlug(slug))!;
  const deps: AccreditationDeps = {
    accreditations: ctx.services.repos.accreditations, organisations: ctx.services.repos.organisations, audit: ctx.services.audit, now: ctx.clock.now,
  };
  return { ctx, deps, centre, incual: await organisation('incual'), anapec: await organisation('anapec'), organisation };
}

t.test('granting: who may, which issuer, which period, with each refusal saying what to fix', async (t) => {
  const { ctx, deps, centre, incual, organisation } = await setUp(t);
  const grant = (request: Json) => grantAccreditation(deps, { authority: incual, actorTokenId: null, issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: '2030-01-01', ...request });
  const badDate = (field: string) => ({
    status: 400, code: 'invalid-period', detail: `${field} must be an ISO 8601 date or date-time, e.g. 2027-12-31 or 2027-12-31T23:59:59Z`,
  });
  t.same(await problemThrownBy(async () => grantAccreditation(deps, { authority: await organisation('ofppt-casa'), actorTokenId: null, issuer: incual.did, scope: { level: 'eqf:3' }, validUntil: '2030-01-01' })), {
    status: 403, code: 'not-a-recognition-authority', detail: '"ofppt-casa" is a training-centre; only organisations of kind recognition-authority accredit issuers',
  });
  t.same(await problemThrownBy(() => grant({ issuer: 'nobody-here' })), {
    status: 404, code: 'unknown-organisation', detail: 'issuer "nobody-here" is neither a DID nor the slug of an organisation here; give the issuer\'s DID',
  });
  t.same(await problemThrownBy(() => grant({ issuer: incual.did })), { status: 400, code: 'self-accreditation', detail: 'An authority cannot accredit itself' });
  t.same(await problemThrownBy(() => grant({ issuer: 'incual' })), { status: 400, code: 'self-accreditation', detail: 'An authority cannot accredit itself' }, 'itself by slug');
  t.same(await problemThrownBy(() => grant({ validUntil: 'December 31, 2030' })), badDate('validUntil'), 'a date JavaScript reads but ISO 8601 does not write');
  t.same(await problemThrownBy(() => grant({ validUntil: ' 2030-12-31' })), badDate('validUntil'), 'the date must begin the value');
  t.same(await problemThrownBy(() => grant({ validUntil: '2030-12-3' })), badDate('validUntil'), 'two-digit days');
  t.same(await problemThrownBy(() => grant({ validUntil: '2030-13-45' })), badDate('validUntil'), 'a date that does not exist');
  t.same(await problemThrownBy(() => grant({ validFrom: 'soon' })), badDate('validFrom'));
  t.same(await problemThrownBy(() => grant({ validFrom: '2029-01-01', validUntil: '2029-01-01' })), { status: 400, code: 'invalid-period', detail: 'validUntil must be after validFrom' }, 'an empty period');

  ctx.clock.current = new Date('2026-11-30T10:00:00.750Z');
  const byDid = await grant({});
  t.same({ issuerName: byDid.issuerName, validFrom: byDid.validFrom, validUntil: byDid.validUntil, origin: byDid.origin }, {
    issuerName: { fr: 'OFPPT Casablanca' }, validFrom: '2026-11-30T10:00:00.000Z', validUntil: '2030-01-01T00:00:00.000Z', origin: 'local',
  }, 'named from the organisation, starting at the current second');
  const outsider = await grant({ issuer: 'did:web:centre.example', scope: { framework: 'eqf' } });
  t.equal(outsider.issuerName, null, 'a DID not hosted here has no name');
});

t.test('one accreditation per authority, issuer and scope at a time; periods that only touch do not overlap', async (t) => {
  const { deps, centre, incual, anapec } = await setUp(t);
  const grant = (request: Json, authority = incual) => grantAccreditation(deps, {
    authority, actorTokenId: null, issuer: centre.did, scope: { level: 'eqf:3' }, validFrom: '2027-01-01', validUntil: '2028-01-01', ...request,
  });
  const first = await grant({});
  t.same(await problemThrownBy(() => grant({ validFrom: '2027-06-01', validUntil: '2029-01-01' })), {
    status: 409, code: 'accreditation-exists', accreditation: first.id,
    detail: `${centre.did} is already accredited by this authority for this scope from 2027-01-01T00:00:00.000Z until 2028-01-01T00:00:00.000Z (${first.id}); withdraw it first to change the period`,
  });
  t.ok(await problemThrownBy(() => grant({ validFrom: '2026-06-01', validUntil: '2027-06-01' })), 'overlapping its start');
  t.ok(await grant({ validFrom: '2028-01-01', validUntil: '2029-01-01' }), 'the next period, starting when the first ends');
  t.ok(await grant({ validFrom: '2026-01-01', validUntil: '2027-01-01' }), 'the previous period, ending when the first starts');
  t.ok(await grant({ scope: { level: 'eqf:4' } }), 'another scope over the same period');
  t.ok(await grant({ scope: { framework: 'eqf' } }), 'another kind of scope');
  t.ok(await grant({}, anapec), 'another authority, same scope and period');
});

t.test('withdrawing: only the authority that granted it, once, and the audit says why', async (t) => {
  const { ctx, deps, centre, incual, anapec } = await setUp(t);
  const granted = await grantAccreditation(deps, { authority: incual, actorTokenId: null, issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: '2030-01-01' });
  const withdraw = (authority = incual, id = granted.id) => withdrawAccreditation(deps, { authority, actorTokenId: null, id, reason: 'Assessment centre closed' });
  t.same(await problemThrownBy(() => withdraw(anapec)), { status: 404, code: 'unknown-accreditation', detail: `"anapec" granted no accreditation ${granted.id}` }, 'another authority\'s');
  t.same(await problemThrownBy(() => withdraw(incual, 'urn:uuid:none')), { status: 404, code: 'unknown-accreditation', detail: '"incual" granted no accreditation urn:uuid:none' });
  ctx.clock.current = new Date('2027-02-03T04:05:06.000Z');
  const withdrawn = await withdraw();
  t.same({ withdrawnAt: withdrawn.withdrawnAt, withdrawalReason: withdrawn.withdrawalReason }, { withdrawnAt: '2027-02-03T04:05:06.000Z', withdrawalReason: 'Assessment centre closed' });
  t.same(await problemThrownBy(() => withdraw()), { status: 409, code: 'already-withdrawn', detail: `Accreditation ${granted.id} was withdrawn on 2027-02-03T04:05:06.000Z` });
  const entries = await ctx.services.audit.page(incual.id, 0, 10);
  t.same(entries.at(-1)?.details, { issuer: centre.did, reason: 'Assessment centre closed' });
});

const LIST_ID = 'urn:example:es-registry';
function entry(overrides: Partial<TrustedIssuerEntry> = {}): TrustedIssuerEntry {
  return {
    id: 'urn:example:entry-1', authority: { id: 'did:web:incual.example', name: { es: 'INCUAL' } }, issuer: { id: 'did:web:centre.example' },
    scope: { level: 'eqf:3' }, validFrom: '2026-01-01', validUntil: '2028-01-01', ...overrides,
  };
}
const list = (...accreditations: TrustedIssuerEntry[]): TrustedIssuerList => ({
  type: 'TrustedIssuerList', version: 1, id: LIST_ID, publisher: { id: 'did:web:incual.example' }, issued: '2026-11-30T00:00:00Z', accreditations,
});

t.test('an accreditation exports as a list entry: the issuer\'s name and a withdrawal only when there are some', async (t) => {
  const accreditation: Accreditation = {
    id: 'urn:uuid:a', authorityDid: 'did:web:incual.example', authorityName: { es: 'INCUAL' }, authorityOrganisationId: null,
    issuerDid: 'did:web:centre.example', issuerName: null, scopeType: 'occupation', scopeValue: '7112',
    validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2028-01-01T00:00:00.000Z', withdrawnAt: null, withdrawalReason: null, origin: 'local', createdAt: '2026-01-01T00:00:00.000Z',
  };
  t.same(entryOf(accreditation), {
    id: 'urn:uuid:a', authority: { id: 'did:web:incual.example', name: { es: 'INCUAL' } }, issuer: { id: 'did:web:centre.example' },
    scope: { occupation: '7112' }, validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2028-01-01T00:00:00.000Z',
  });
  const named = entryOf({ ...accreditation, issuerName: { fr: 'Centre' }, withdrawnAt: '2027-01-01T00:00:00.000Z', withdrawalReason: 'closed' });
  t.same([named.issuer, named.withdrawn], [{ id: 'did:web:centre.example', name: { fr: 'Centre' } }, { at: '2027-01-01T00:00:00.000Z', reason: 'closed' }]);
  t.same(exportList({ id: LIST_ID, publisher: { id: 'did:web:incual.example' }, accreditations: [accreditation], now: new Date('2026-11-30T00:00:00Z') }), {
    type: 'TrustedIssuerList', version: 1, id: LIST_ID, publisher: { id: 'did:web:incual.example' }, issued: '2026-11-30T00:00:00.000Z', accreditations: [entryOf(accreditation)],
  });
});

t.test('importing a list: every problem at once with its place, or every entry stored as the list said it', async (t) => {
  const { ctx } = await setUp(t);
  const deps = { accreditations: ctx.services.repos.accreditations, now: ctx.clock.now };
  const refusal = (...entries: TrustedIssuerEntry[]) => problemThrownBy(() => importList(deps, list(...entries)));
  t.same(await refusal(entry(), entry({ id: 'urn:example:entry-2', scope: { level: 'eqf:9' }, validFrom: '2026', validUntil: '2025-01-01', withdrawn: { at: 'later', reason: null } })), {
    status: 400, code: 'invalid-trusted-issuer-list',
    detail: 'The list has 3 problem(s); nothing was imported. First: accreditations[1].scope.level "eqf:9" is not a known level; use a ref such as "ma-cnc:3" or a level URI (GET /frameworks/<id>)',
    errors: [
      'accreditations[1].scope.level "eqf:9" is not a known level; use a ref such as "ma-cnc:3" or a level URI (GET /frameworks/<id>)',
      'accreditations[1]: validFrom and validUntil must be ISO 8601 dates',
      'accreditations[1].withdrawn.at must be an ISO 8601 date',
    ],
  });
  t.same((await refusal(entry({ validUntil: 'December 31, 2030' })) as Json).errors, ['accreditations[0]: validFrom and validUntil must be ISO 8601 dates']);
  t.same((await refusal(entry({ validFrom: '2026-1-01' })) as Json).errors, ['accreditations[0]: validFrom and validUntil must be ISO 8601 dates']);
  t.same((await refusal(entry({ validUntil: '2026-01-01' })) as Json).errors, ['accreditations[0]: validUntil must be after validFrom']);
  t.same((await refusal(entry({ scope: { level: 'eqf:9' } })) as Json).errors.length, 1, 'a bad scope alone');
  t.same((await refusal(entry({ withdrawn: { at: 'never', reason: null } })) as Json).errors, ['accreditations[0].withdrawn.at must be an ISO 8601 date']);
  t.same((await refusal(entry(), entry())) as Json, {
    status: 400, code: 'invalid-trusted-issuer-list', detail: 'The list has 1 problem(s); nothing was imported. First: accreditations: entry ids must be unique within the list',
    errors: ['accreditations: entry ids must be unique within the list'],
  });
  t.same(await ctx.services.repos.accreditations.all(), [], 'nothing imported');

  ctx.clock.current = new Date('2026-11-30T08:00:00.000Z');
  const withdrawnEntry = entry({ id: 'urn:example:entry-2', issuer: { id: 'did:web:other.example', name: { en: 'Other centre' } }, withdrawn: { at: '2027-03-01', reason: 'closed' } });
  t.same(await importList(deps, list(entry(), withdrawnEntry)), { list: LIST_ID, imported: 2, replaced: 0 });
  const idOf = (entryId: string) => `urn:passerelle:imported:${crypto.createHash('sha256').update(`${LIST_ID}\n${entryId}`).digest('hex').slice(0, 32)}`;
  const stored = await ctx.services.repos.accreditations.all();
  t.same(stored.map((a) => [a.id, a.issuerName, a.withdrawnAt, a.withdrawalReason]).sort(), [
    [idOf('urn:example:entry-1'), null, null, null],
    [idOf('urn:example:entry-2'), { en: 'Other centre' }, '2027-03-01T00:00:00.000Z', 'closed'],
  ].sort(), 'ids derived from the list and the entry; names and withdrawals as given');
  t.same(stored.map((a) => [a.origin, a.validFrom, a.createdAt]), [
    ['list:urn:example:es-registry', '2026-01-01T00:00:00.000Z', '2026-11-30T08:00:00.000Z'],
    ['list:urn:example:es-registry', '2026-01-01T00:00:00.000Z', '2026-11-30T08:00:00.000Z'],
  ]);
});
