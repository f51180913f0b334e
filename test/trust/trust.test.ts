import t from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;
const DAY = 86_400_000;

async function issue(ctx: TestApp, auth: Json, credential: Json = openBadgeCredential()) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().verifiableCredential as Json;
}

async function verify(ctx: TestApp, verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  const body = response.json() as Json;
  return { status: response.statusCode, body, trust: body.trust as { id: string; valid: boolean; message: string; accreditations: Json[] } };
}

/** A recognition authority (Spain's regional competence-accreditation agency, say) with a token to accredit. */
async function authority(ctx: TestApp, slug = 'incual') {
  const created = await ctx.createOrganisation(slug, { kind: 'recognition-authority', country: 'ES', name: { es: 'INCUAL', en: 'INCUAL (Spain)' } });
  return { ...created, auth: { authorization: `Bearer ${await ctx.tokenFor(slug, ['issue'])}` } };
}

function accredit(ctx: TestApp, authoritySlug: string, auth: Json, body: Json) {
  return ctx.app.inject({ method: 'POST', url: `/orgs/${authoritySlug}/accreditations`, headers: auth, payload: body });
}

const inDays = (ctx: TestApp, days: number) => new Date(ctx.clock.current.getTime() + days * DAY).toISOString();

t.test('an accredited and a non-accredited issuer: same valid signature, different trust answers, both verified', async (t) => {
  const ctx = await buildTestApp(t);
  const accredited = await ctx.issuer('ofppt-casa');
  const unknown = await ctx.issuer('centre-inconnu');
  const agency = await authority(ctx);
  const granted = await accredit(ctx, agency.slug, agency.auth, { issuer: accredited.did, scope: { level: 'eqf:3' }, validUntil: inDays(ctx, 365) });
  t.equal(granted.statusCode, 201, 'granted status', { body: granted.body });

  const trusted = await verify(ctx, await issue(ctx, accredited.auth));
  const untrusted = await verify(ctx, await issue(ctx, unknown.auth));
  for (const result of [trusted, untrusted]) {
    t.equal(result.status, 200, 'an unaccredited issuer is not an invalid credential');
    t.equal(result.body.verified, true);
    t.equal(result.body.checks.find((c: Json) => c.id === 'proof').valid, true);
    t.notOk(result.body.checks.some((c: Json) => c.id === 'trust'), 'trust is its own member, not one of the checks behind `verified`');
  }
  t.equal(trusted.trust.id, 'trust');
  t.equal(trusted.trust.valid, true);
  t.match(trusted.trust.message, new RegExp(`^Issuer accredited by INCUAL \\(Spain\\) \\(${agency.did}\\) for EQF level 3 until ${inDays(ctx, 365).slice(0, 10)}`));
  t.match(trusted.trust.accreditations, [{ authority: { id: agency.did }, scope: { type: 'level', value: 'eqf:3', label: 'EQF level 3' }, source: 'local' }]);
  t.equal(untrusted.trust.valid, false);
  t.match(untrusted.trust.message, /^Not accredited: no recognition authority known to this service accredits did:web:/);
  t.same(untrusted.trust.accreditations, []);
});

t.test('the scope must cover what the credential claims: level, framework, or occupation with its ISCO sub-groups', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer();
  const agency = await authority(ctx);
  await accredit(ctx, agency.slug, agency.auth, { issuer: centre.slug, scope: { level: 'ma-cnc:5' }, validUntil: inDays(ctx, 30) });
  const vc = await issue(ctx, centre.auth);
  const wrongLevel = await verify(ctx, vc);
  t.equal(wrongLevel.trust.valid, false);
  t.match(wrongLevel.trust.message, /^Not accredited for what this credential claims \(EQF level 3\): .* is accredited for CNC level 5/);

  await accredit(ctx, agency.slug, agency.auth, { issuer: centre.slug, scope: { framework: 'eqf' }, validUntil: inDays(ctx, 30) });
  t.match((await verify(ctx, vc)).trust, { valid: true, message: /for every level of EQF/ });

  const bricklayer = openBadgeCredential();
  bricklayer.credentialSubject = { ...bricklayer.credentialSubject as Json };
  (bricklayer.credentialSubject as Json).achievement = {
    ...(bricklayer.credentialSubject as Json).achievement,
    alignment: [{ type: ['Alignment'], targetName: 'Bricklayers and related workers', targetUrl: 'http://data.europa.eu/esco/isco/C7112', targetFramework: 'ISCO-08', targetCode: '7112' }],
  };
  const other = await ctx.issuer('btp-agadir');
  const occupationVc = await issue(ctx, other.auth, bricklayer);
  t.match((await verify(ctx, occupationVc)).trust, { valid: false });
  await accredit(ctx, agency.slug, agency.auth, { issuer: other.did, scope: { occupation: '711' }, validUntil: inDays(ctx, 30) });
  t.match((await verify(ctx, occupationVc)).trust, { valid: true, message: /for ISCO-08 711 \(/ });
});

t.test('accreditation is judged when the credential was issued: before it, during it, after a withdrawal', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer();
  const agency = await authority(ctx);
  const before = await issue(ctx, centre.auth);
  ctx.clock.advance(2000);
  const granted = (await accredit(ctx, agency.slug, agency.auth, { issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: inDays(ctx, 100) })).json();
  ctx.clock.advance(2000);
  const during = await issue(ctx, centre.auth);
  t.match((await verify(ctx, before)).trust, { valid: false, message: /^Not accredited when this credential was issued/ });
  t.equal((await verify(ctx, during)).trust.valid, true);

  ctx.clock.advance(3_600_000); // the helper's tokens last a day
  const withdrawn = await ctx.app.inject({
    method: 'POST', url: `/orgs/${agency.slug}/accreditations/${granted.id}/withdraw`, headers: agency.auth, payload: { reason: 'Assessment centre closed' },
  });
  t.equal(withdrawn.statusCode, 200, 'withdrawn status', { body: withdrawn.body });
  t.ok(withdrawn.json().withdrawnAt);
  ctx.clock.advance(2000);
  const after = await issue(ctx, centre.auth);
  t.match((await verify(ctx, during)).trust, { valid: true, message: /withdrawn on .* after this credential was issued/ });
  t.match((await verify(ctx, after)).trust, { valid: false, message: /withdrawn on/ });
  const again = await ctx.app.inject({ method: 'POST', url: `/orgs/${agency.slug}/accreditations/${granted.id}/withdraw`, headers: agency.auth, payload: { reason: 'x' } });
  t.equal(again.json().code, 'already-withdrawn');

  ctx.clock.advance(200 * DAY);
  t.equal((await verify(ctx, during)).trust.valid, true, 'an accreditation that has since expired still covered the credential when it was issued');
});

t.test('a tampered credential is not evaluated for trust', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer();
  const agency = await authority(ctx);
  await accredit(ctx, agency.slug, agency.auth, { issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: inDays(ctx, 30) });
  const vc = await issue(ctx, centre.auth);
  vc.name = 'Chef de chantier';
  const result = await verify(ctx, vc);
  t.equal(result.body.verified, false);
  t.match(result.trust, { valid: false, message: /^Not evaluated/ });
});

t.test('only recognition authorities accredit, within checked scopes and periods; grants and withdrawals are audited', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer();
  const agency = await authority(ctx);
  const base = { issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: inDays(ctx, 30) };
  const cases: Array<[string, string, Json, Json, number, string]> = [
    ['a training centre', centre.slug, centre.auth, base, 403, 'not-a-recognition-authority'],
    ['two scopes', agency.slug, agency.auth, { ...base, scope: { level: 'eqf:3', framework: 'eqf' } }, 400, 'invalid-request'],
    ['an unknown level', agency.slug, agency.auth, { ...base, scope: { level: 'eqf:9' } }, 400, 'unknown-framework-level'],
    ['an unknown framework', agency.slug, agency.auth, { ...base, scope: { framework: 'xx-nqf' } }, 400, 'unknown-framework'],
    ['an unknown occupation', agency.slug, agency.auth, { ...base, scope: { occupation: '99999' } }, 400, 'unknown-occupation'],
    ['an empty period', agency.slug, agency.auth, { ...base, validFrom: inDays(ctx, 10), validUntil: inDays(ctx, 5) }, 400, 'invalid-period'],
    ['a bad date', agency.slug, agency.auth, { ...base, validUntil: 'next year' }, 400, 'invalid-period'],
    ['itself', agency.slug, agency.auth, { ...base, issuer: agency.did }, 400, 'self-accreditation'],
    ['an unknown slug', agency.slug, agency.auth, { ...base, issuer: 'nobody-here' }, 404, 'unknown-organisation'],
  ];
  for (const [what, slug, auth, body, status, code] of cases) {
    const response = await accredit(ctx, slug, auth, body);
    t.same(problemOf(response), { status, code }, what, { body: response.body });
  }
  const first = await accredit(ctx, agency.slug, agency.auth, base);
  t.equal(first.statusCode, 201, 'accredited', { body: first.body });
  t.same(problemOf(await accredit(ctx, agency.slug, agency.auth, base)), { status: 409, code: 'accreditation-exists' }, 'the same accreditation twice');
  await ctx.app.inject({ method: 'POST', url: `/orgs/${agency.slug}/accreditations/${first.json().id}/withdraw`, headers: agency.auth, payload: { reason: 'Re-issued with a longer period' } });
  t.equal((await accredit(ctx, agency.slug, agency.auth, { ...base, validUntil: inDays(ctx, 90) })).statusCode, 201, 'a withdrawn twin does not block');
  const audit = await ctx.app.inject({ method: 'GET', url: `/orgs/${agency.slug}/audit?verify=true`, headers: ctx.admin });
  t.same(audit.json().entries.map((e: Json) => e.action), ['token.created', 'accreditation.granted', 'accreditation.withdrawn', 'accreditation.granted']);
  t.match(audit.json().entries[1].details, { issuer: centre.did, scope: { type: 'level', value: 'eqf:3' } });
  t.equal(audit.json().verification.valid, true);
});

t.test('a trusted-issuer list exports as JSON and imports into another registry, replacing its earlier import', async (t) => {
  const source = await buildTestApp(t);
  const agency = await authority(source, 'anapec');
  await accredit(source, agency.slug, agency.auth, { issuer: 'did:web:formation.example:centres:agadir', scope: { level: 'ma-cnc:3' }, validUntil: inDays(source, 365) });
  const exported = (await source.app.inject({ method: 'GET', url: `/orgs/${agency.slug}/accreditations` })).json();
  t.match(exported, { type: 'TrustedIssuerList', version: 1, publisher: { id: agency.did }, accreditations: [{ issuer: { id: 'did:web:formation.example:centres:agadir' }, scope: { level: 'ma-cnc:3' } }] });

  // The destination registry: a local issuer accredited only through the imported list.
  const destination = await buildTestApp(t);
  const centre = await destination.issuer('ofppt-casa');
  const list = structuredClone(exported);
  list.accreditations.push({
    id: 'urn:example:entry-2', authority: { id: agency.did, name: { en: 'ANAPEC' } }, issuer: { id: centre.did },
    scope: { framework: 'eqf' }, validFrom: inDays(destination, -1), validUntil: inDays(destination, 365),
  });
  const vc = await issue(destination, centre.auth);
  t.equal((await verify(destination, vc)).trust.valid, false);

  const refused = await destination.app.inject({ method: 'POST', url: '/trusted-issuers', headers: centre.auth, payload: list });
  t.same(problemOf(refused), { status: 403, code: 'forbidden' });
  const imported = await destination.app.inject({ method: 'POST', url: '/trusted-issuers', headers: destination.admin, payload: list });
  t.equal(imported.statusCode, 200, 'imported status', { body: imported.body });
  t.same(imported.json(), { list: exported.id, imported: 2, replaced: 0 });
  const trusted = await verify(destination, vc);
  t.match(trusted.trust, { valid: true, message: new RegExp(`trusted-issuer list ${exported.id}`), accreditations: [{ source: exported.id }] });

  const listed = (await destination.app.inject({ method: 'GET', url: `/trusted-issuers?issuer=${encodeURIComponent(centre.did)}` })).json();
  t.equal(listed.accreditations.length, 1);

  const emptied = await destination.app.inject({ method: 'POST', url: '/trusted-issuers', headers: destination.admin, payload: { ...list, accreditations: [] } });
  t.same(emptied.json(), { list: exported.id, imported: 0, replaced: 2 });
  t.equal((await verify(destination, vc)).trust.valid, false, 're-importing a list replaces what it brought');

  const broken = structuredClone(list);
  broken.accreditations[0].scope = { level: 'ma-cnc:42' };
  broken.accreditations[1].validUntil = broken.accreditations[1].validFrom;
  const invalid = await destination.app.inject({ method: 'POST', url: '/trusted-issuers', headers: destination.admin, payload: broken });
  t.equal(invalid.statusCode, 400);
  t.equal(invalid.json().code, 'invalid-trusted-issuer-list');
  t.equal(invalid.json().errors.length, 2, 'every problem is reported at once');
  t.equal((await destination.app.inject({ method: 'GET', url: '/trusted-issuers' })).json().accreditations.length, 0, 'nothing half-imported');
});
