import t from 'tap';
import { buildTestApp, openBadgeCredential, type TestApp } from '../helpers/app.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../fixtures/batches/cohort.js';
import { TOKEN_SCOPES } from '../../src/orgs/tokens.js';

type Json = Record<string, any>;
interface RouteCase { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; route: string; url: string; payload?: Json }

/** Routes with bearer security whose organisation comes from the caller's own token (or that only the administrator may call). */
const NOT_ORGANISATION_SCOPED = ['POST /orgs', 'POST /trusted-issuers', 'POST /credentials/issue', 'POST /batches', 'GET /batches', 'GET /statistics', 'POST /statistics/releases'];

async function ok(response: { statusCode: number; body: string }, what: string) {
  if (response.statusCode >= 300) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
  return JSON.parse(response.body || '{}') as Json;
}

/** One of each thing an organisation owns, so that every organisation route has a real target. */
async function organisationWithEverything(ctx: TestApp) {
  const { slug, auth } = await ctx.issuer('centre-a');
  const inject = (method: RouteCase['method'], url: string, payload?: Json, headers: Json = auth) => ctx.app.inject({ method, url, headers, payload });
  await ok(await inject('POST', `/orgs/${slug}/achievements`, MASONRY_ACHIEVEMENT), 'achievement');
  const vc = (await ok(await inject('POST', '/credentials/issue', { credential: openBadgeCredential(), options: { issuer: 'organisation' } }), 'credential')).verifiableCredential;
  const batch = await ok(await ctx.app.inject({
    method: 'POST', url: '/batches?achievement=macon-cnc3', headers: { ...auth, 'content-type': 'text/csv' }, payload: toCsv(cohort(2)),
  }), 'batch');
  const token = await ok(await inject('POST', `/orgs/${slug}/tokens`, { scopes: ['status'] }, ctx.admin), 'token');
  const assessment = await ok(await inject('POST', `/orgs/${slug}/assessments`, {
    candidate: { name: 'Mamadou Diallo' }, reference: { achievement: 'macon-cnc3' },
    units: [{ id: 'UC1', name: 'Maçonnerie de briques', outcomes: [{ id: 'LO1', statement: 'Monte un mur de briques d\'aplomb' }] }],
  }), 'assessment');
  await ok(await inject('POST', `/orgs/${slug}/assessments/${assessment.id}/stage`, { to: 'documentation' }), 'stage');
  const evidence = await ok(await inject('POST', `/orgs/${slug}/assessments/${assessment.id}/evidence`, {
    kind: 'employer-attestation', title: 'Attestation', description: 'Employer certificate',
    file: { name: 'attestation.txt', mediaType: 'text/plain', contentBase64: Buffer.from('Attestation').toString('base64') }, outcomes: ['UC1'],
  }), 'evidence');

  const agency = await ctx.createOrganisation('agency-a', { kind: 'recognition-authority', country: 'ES' });
  const agencyAuth = { authorization: `Bearer ${await ctx.tokenFor(agency.slug, ['issue'])}` };
  const accreditation = await ok(await inject('POST', `/orgs/${agency.slug}/accreditations`,
    { issuer: slug, scope: { level: 'eqf:3' }, validUntil: new Date(ctx.clock.current.getTime() + 86_400_000 * 365).toISOString() }, agencyAuth), 'accreditation');

  const { id: _id, ...achievementUpdate } = MASONRY_ACHIEVEMENT;
  const caseUrl = `/orgs/${slug}/assessments/${assessment.id}`;
  const cases: RouteCase[] = [
    { method: 'POST', route: '/orgs/{slug}/keys/rotate', url: `/orgs/${slug}/keys/rotate` },
    { method: 'POST', route: '/orgs/{slug}/tokens', url: `/orgs/${slug}/tokens`, payload: { scopes: ['issue'] } },
    { method: 'GET', route: '/orgs/{slug}/tokens', url: `/orgs/${slug}/tokens` },
    { method: 'DELETE', route: '/orgs/{slug}/tokens/{id}', url: `/orgs/${slug}/tokens/${token.id}` },
    { method: 'POST', route: '/credentials/status', url: '/credentials/status',
      payload: { credentialId: vc.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true } },
    { method: 'POST', route: '/orgs/{slug}/achievements', url: `/orgs/${slug}/achievements`, payload: { ...MASONRY_ACHIEVEMENT, id: 'macon-cnc4' } },
    { method: 'PUT', route: '/orgs/{slug}/achievements/{id}', url: `/orgs/${slug}/achievements/macon-cnc3`, payload: achievementUpdate },
    { method: 'GET', route: '/batches/{id}', url: `/batches/${batch.id}` },
    { method: 'GET', route: '/batches/{id}/credentials', url: `/batches/${batch.id}/credentials` },
    { method: 'POST', route: '/batches/{id}/retry', url: `/batches/${batch.id}/retry` },
    { method: 'GET', route: '/orgs/{slug}/audit', url: `/orgs/${slug}/audit` },
    { method: 'GET', route: '/orgs/{slug}/audit/verify', url: `/orgs/${slug}/audit/verify` },
    { method: 'POST', route: '/orgs/{slug}/accreditations', url: `/orgs/${agency.slug}/accreditations`,
      payload: { issuer: slug, scope: { level: 'eqf:4' }, validUntil: new Date(ctx.clock.current.getTime() + 86_400_000 * 30).toISOString() } },
    { method: 'POST', route: '/orgs/{slug}/accreditations/{id}/withdraw', url: `/orgs/${agency.slug}/accreditations/${accreditation.id}/withdraw`, payload: { reason: 'Centre closed' } },
    { method: 'POST', route: '/orgs/{slug}/assessments', url: `/orgs/${slug}/assessments`,
      payload: { candidate: { name: 'Fatou Sow' }, reference: { achievement: 'macon-cnc3' }, units: [{ id: 'UC1', name: 'Briques', outcomes: [{ id: 'LO1', statement: 'Monte un mur' }] }] } },
    { method: 'GET', route: '/orgs/{slug}/assessments', url: `/orgs/${slug}/assessments` },
    { method: 'GET', route: '/orgs/{slug}/assessments/{id}', url: caseUrl },
    { method: 'GET', route: '/orgs/{slug}/assessments/{id}/evidence/{evidenceId}/file', url: `${caseUrl}/evidence/${evidence.id}/file` },
    { method: 'POST', route: '/orgs/{slug}/assessments/{id}/evidence', url: `${caseUrl}/evidence`,
      payload: { kind: 'work-record', title: 'Relevé CNSS', description: 'Social security work record', sha256: 'a'.repeat(64), outcomes: ['UC1'] } },
    { method: 'POST', route: '/orgs/{slug}/assessments/{id}/stage', url: `${caseUrl}/stage`, payload: { to: 'assessment' } },
    { method: 'POST', route: '/orgs/{slug}/assessments/{id}/results', url: `${caseUrl}/results`,
      payload: { assessors: [{ name: 'Khadija Benali', role: 'assessor' }], results: [{ unit: 'UC1', outcome: 'LO1', method: 'observation', result: 'demonstrated' }] } },
    { method: 'POST', route: '/orgs/{slug}/assessments/{id}/decision', url: `${caseUrl}/decision`, payload: { decision: 'full', rationale: 'All outcomes demonstrated' } },
    { method: 'POST', route: '/orgs/{slug}/assessments/{id}/certify', url: `${caseUrl}/certify`, payload: {} },
    { method: 'POST', route: '/orgs/{slug}/assessments/{id}/appeal', url: `${caseUrl}/appeal`, payload: { reason: 'The jury did not see my portfolio' } },
  ];
  return { cases, ownerAdmin: { authorization: `Bearer ${await ctx.tokenFor(slug, ['admin'])}` }, agencyAdmin: { authorization: `Bearer ${await ctx.tokenFor(agency.slug, ['admin'])}` } };
}

t.test('a token of another organisation is refused on every organisation route, whatever its scope', async (t) => {
  const ctx = await buildTestApp(t);
  const { cases, ownerAdmin, agencyAdmin } = await organisationWithEverything(ctx);
  await ctx.createOrganisation('centre-b');

  const openapi = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Json;
  const bearerRoutes = Object.entries<Json>(openapi.paths).flatMap(([path, operations]) => Object.entries<Json>(operations)
    .filter(([, operation]) => operation.security?.some((requirement: Json) => 'bearer' in requirement))
    .map(([method]) => `${method.toUpperCase()} ${path}`));
  t.same([...bearerRoutes].sort(), [...NOT_ORGANISATION_SCOPED, ...cases.map((c) => `${c.method} ${c.route}`)].sort(),
    'the matrix covers every bearer route of the OpenAPI document');

  for (const scope of TOKEN_SCOPES) {
    const foreign = { authorization: `Bearer ${await ctx.tokenFor('centre-b', [scope])}` };
    for (const c of cases) {
      const response = await ctx.app.inject({ method: c.method, url: c.url, headers: foreign, payload: c.payload });
      const body = String(response.headers['content-type']).startsWith('application/problem+json') ? response.json() : { body: response.body.slice(0, 200) };
      t.match({ status: response.statusCode, ...body }, { status: 403, code: 'forbidden', detail: /another organisation/ }, `${scope} token of centre-b: ${c.method} ${c.route}`);
    }
  }

  // The same requests with the owner's token get past authorisation: the refusals above are the organisation check, not a bad request.
  const notAuthorised: string[] = [];
  for (const c of cases) {
    const headers = c.url.startsWith('/orgs/agency-a/') ? agencyAdmin : ownerAdmin;
    const response = await ctx.app.inject({ method: c.method, url: c.url, headers, payload: c.payload });
    if ([400, 401, 403, 404].includes(response.statusCode)) notAuthorised.push(`${c.method} ${c.route}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  t.same(notAuthorised, [], 'the owner\'s admin token reaches every handler');
});
