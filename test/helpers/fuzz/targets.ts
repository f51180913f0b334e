/**
 * The fuzz run's world: organisations, tokens of every scope, an issued credential (Data Integrity and vc+jwt), a claim offer,
 * wallets, a share link, an achievement, a batch, an assessment case with evidence and an accreditation, so that routes with
 * ids have real targets as well as fake ones. Destructive routes (token revocation, deletes, passphrases) get their own
 * sacrificial targets so that the rest keeps answering.
 */
import type { InjectOptions } from 'fastify';
import type { TestApp } from '../app.js';
import { openBadgeCredential } from '../app.js';
import { MASONRY_ACHIEVEMENT, cohort, toCsv } from '../../fixtures/batches/cohort.js';
import { claimIntoNewWallet, createShare, issueFor, pathOf, walletJson, JSON_ACCEPT } from '../wallet.js';

type Json = Record<string, any>;

export interface FuzzTargets {
  slug: string;
  did: string;
  /** Organisation of another tenant (and its token), to try cross-tenant access. */
  otherSlug: string;
  /** Authorization header values: every scope of the main organisation, the other tenant, the admin. */
  auth: Record<'admin' | 'issue' | 'status' | 'orgAdmin' | 'issueStatus' | 'otherTenant', string>;
  /** Path parameter values that exist, by route template and parameter name. */
  real: Record<string, string[]>;
  /** Valid documents to mutate: a signed credential, its unsigned input, a vc+jwt, a signed presentation. */
  signedCredential: Json;
  unsignedCredential: Json;
  jwtCredential: string;
  presentation: Json;
  /** A valid request body per route template and method ("POST /orgs"), the starting point of mutations. */
  validBodies: Record<string, unknown>;
}

async function ok(ctx: TestApp, request: InjectOptions, status: number): Promise<Json> {
  const response = await ctx.app.inject(request);
  if (response.statusCode !== status) throw new Error(`fuzz setup: ${JSON.stringify(request).slice(0, 200)} answered ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response.json() as Json;
}

/** The challenge the fuzz presentation is bound to, so that verifying it reaches the holder's proof. */
export const PRESENTATION_CHALLENGE = 'fuzz-challenge-0001';

const UNITS = [{ id: 'UC1', name: 'Maçonnerie de briques', outcomes: [{ id: 'LO1', statement: 'Monte un mur de briques d\'aplomb' }] }];

export async function createFuzzTargets(ctx: TestApp): Promise<FuzzTargets> {
  const main = await ctx.createOrganisation('fuzz-centre', { kind: 'assessment-body' });
  const other = await ctx.createOrganisation('fuzz-other');
  const authority = await ctx.createOrganisation('fuzz-authority', { kind: 'recognition-authority', country: 'ES' });
  const bearer = async (slug: string, scopes: string[]) => `Bearer ${await ctx.tokenFor(slug, scopes)}`;
  const auth = {
    admin: ctx.admin.authorization,
    issue: await bearer(main.slug, ['issue']),
    status: await bearer(main.slug, ['status']),
    orgAdmin: await bearer(main.slug, ['admin']),
    issueStatus: await bearer(main.slug, ['issue', 'status']),
    otherTenant: await bearer(other.slug, ['issue', 'status', 'admin']),
  };
  const issuing = { authorization: auth.issueStatus };
  const sacrificialToken = await ok(ctx, { method: 'POST', url: `/orgs/${main.slug}/tokens`, headers: ctx.admin, payload: { scopes: ['issue'], expiresIn: '1d' } }, 201);

  const unsignedCredential = openBadgeCredential();
  const { vc: signedCredential, claimOffer } = await issueFor(ctx, issuing, { credential: unsignedCredential });
  const { vc: jwtVc } = await issueFor(ctx, issuing, { format: 'vc+jwt' });
  // vc+jwt comes back enveloped: the compact JWT is the data: URL in its id.
  const jwtCredential = String(jwtVc.id).slice('data:application/vc+jwt,'.length);
  const spareOffer = (await issueFor(ctx, issuing)).claimOffer;

  // A wallet with two credentials and a share link for reading; a second wallet whose passphrase and contents the fuzz may change.
  const walletPath = await claimIntoNewWallet(ctx, spareOffer.url);
  await ok(ctx, { method: 'POST', url: pathOf(claimOffer.url), headers: JSON_ACCEPT, payload: { action: 'existing', wallet: walletPath } }, 201);
  const { body: walletBody } = await walletJson(ctx, walletPath);
  const walletCredentialIds = walletBody.credentials.map((c) => String(c.id));
  const share = await createShare(ctx, walletPath, { credentials: walletCredentialIds, expiresInDays: 30, label: 'fuzz' });
  if (share.response.statusCode !== 201) throw new Error(`fuzz setup: share ${share.response.body}`);
  const shareToken = pathOf(String(share.body.url)).split('/')[2]!;
  const disposableWallet = await claimIntoNewWallet(ctx, (await issueFor(ctx, issuing)).claimOffer.url);
  const disposableIds = (await walletJson(ctx, disposableWallet)).body.credentials.map((c) => String(c.id));
  const disposableShare = await createShare(ctx, disposableWallet, { credentials: disposableIds, label: 'to revoke' });
  const unclaimed = (await issueFor(ctx, issuing)).claimOffer;

  const presentation = await ok(ctx, { method: 'GET', url: `/s/${shareToken}?challenge=${PRESENTATION_CHALLENGE}`, headers: JSON_ACCEPT }, 200);

  await ok(ctx, { method: 'POST', url: `/orgs/${main.slug}/achievements`, headers: issuing, payload: MASONRY_ACHIEVEMENT }, 201);
  const batch = await ok(ctx, {
    method: 'POST', url: `/batches?achievement=${MASONRY_ACHIEVEMENT.id}`, headers: { ...issuing, 'content-type': 'text/csv' }, payload: toCsv(cohort(2, 'fz')),
  }, 202);
  const assessment = await ok(ctx, {
    method: 'POST', url: `/orgs/${main.slug}/assessments`, headers: issuing,
    payload: { candidate: { name: 'Mamadou Diallo', did: 'did:example:mamadou' }, reference: { achievement: MASONRY_ACHIEVEMENT.id }, units: UNITS },
  }, 201);
  const assessmentUrl = `/orgs/${main.slug}/assessments/${assessment.id}`;
  await ok(ctx, { method: 'POST', url: `${assessmentUrl}/stage`, headers: issuing, payload: { to: 'documentation' } }, 200);
  const evidence = await ok(ctx, {
    method: 'POST', url: `${assessmentUrl}/evidence`, headers: issuing,
    payload: { kind: 'employer-attestation', title: 'Attestation', description: 'Employer certificate', file: { name: 'a.txt', mediaType: 'text/plain', contentBase64: Buffer.from('attestation').toString('base64') }, outcomes: ['UC1'] },
  }, 201);
  const authorityAuth = { authorization: await bearer(authority.slug, ['issue']) };
  const validUntil = new Date(ctx.clock.current.getTime() + 365 * 86_400_000).toISOString();
  const accreditation = await ok(ctx, {
    method: 'POST', url: `/orgs/${authority.slug}/accreditations`, headers: authorityAuth, payload: { issuer: main.did, scope: { level: 'eqf:3' }, validUntil },
  }, 201);
  const trustedList = await ok(ctx, { method: 'GET', url: `/orgs/${authority.slug}/accreditations` }, 200);
  const listId = new URL(String((signedCredential.credentialStatus as Json[] | Json | undefined) && [signedCredential.credentialStatus].flat()[0].statusListCredential)).pathname.split('/')[2]!;

  const secretOf = (walletUrlPath: string) => walletUrlPath.split('/')[2]!;
  const walletSecret = secretOf(walletPath);
  const disposableSecret = secretOf(disposableWallet);
  const real: Record<string, string[]> = {
    slug: [main.slug, other.slug, authority.slug],
    'tokens/{id}': [String(sacrificialToken.id)],
    'achievements/{id}': [MASONRY_ACHIEVEMENT.id],
    'accreditations/{id}': [String(accreditation.id)],
    'assessments/{id}': [String(assessment.id)],
    evidenceId: [String(evidence.id)],
    'batches/{id}': [String(batch.id)],
    listId: [listId],
    name: ['open-badge-achievement-credential.json'],
    'occupations/{code}': ['7112.1', '7112'],
    'isco/{code}': ['7112', '71'],
    'frameworks/{id}': ['eqf', 'ma-cnc', 'de-dqr'],
    'levels/{code}': ['3', '5'],
    'claim/{code}': [pathOf(unclaimed.url).split('/')[2]!],
    secret: [walletSecret],
    'unlock:secret': [disposableSecret],
    'passphrase:secret': [disposableSecret],
    'delete:secret': [disposableSecret],
    'revoke:secret': [disposableSecret],
    'credentials/{id}': [...walletCredentialIds, ...disposableIds],
    'shares/{id}': [String(disposableShare.body.id)],
    token: [shareToken],
    format: ['json', 'jwt'],
  };

  const validBodies: Record<string, unknown> = {
    'POST /orgs': { slug: 'fuzz-new', name: { fr: 'Centre', en: 'Centre' }, country: 'MA', kind: 'training-centre' },
    'POST /orgs/{slug}/tokens': { scopes: ['issue'], expiresIn: '1d' },
    'POST /credentials/issue': { credential: unsignedCredential, options: { issuer: 'organisation', holder: { name: 'Amina' } } },
    'POST /credentials/verify': { verifiableCredential: signedCredential },
    'POST /presentations/verify': { verifiablePresentation: presentation, options: { challenge: PRESENTATION_CHALLENGE } },
    'POST /credentials/status': { credentialId: signedCredential.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: false },
    'POST /skills/gap': { skills: ['http://data.europa.eu/esco/skill/110d7aa3-e44e-4cce-a927-8d4de615f3d9'], occupation: '7112.1', lang: 'fr' },
    'POST /recognition/evaluate': { level: 'ma-cnc:5', to: 'de-dqr', lang: 'fr' },
    'POST /claim/{code}': { action: 'existing', wallet: walletPath },
    'POST /w/{secret}/unlock': { passphrase: 'correct horse battery' },
    'POST /w/{secret}/passphrase': { passphrase: 'correct horse battery' },
    'POST /w/{secret}/shares': { credentials: walletCredentialIds, expiresInDays: 7, label: 'employer' },
    'POST /orgs/{slug}/achievements': { ...MASONRY_ACHIEVEMENT, id: 'fuzz-achievement' },
    'PUT /orgs/{slug}/achievements/{id}': MASONRY_ACHIEVEMENT,
    'POST /orgs/{slug}/accreditations': { issuer: main.did, scope: { level: 'eqf:3' }, validUntil },
    'POST /orgs/{slug}/accreditations/{id}/withdraw': { reason: 'closed' },
    'POST /trusted-issuers': trustedList,
    'POST /orgs/{slug}/assessments': { candidate: { name: 'Awa Sow' }, reference: { achievement: MASONRY_ACHIEVEMENT.id }, units: UNITS },
    'POST /orgs/{slug}/assessments/{id}/stage': { to: 'assessment', note: 'ready' },
    'POST /orgs/{slug}/assessments/{id}/evidence': { kind: 'work-record', title: 'Relevé', description: 'Work record', sha256: 'a'.repeat(64), outcomes: ['UC1/LO1'] },
    'POST /orgs/{slug}/assessments/{id}/results': { assessors: [{ name: 'Khadija Benali', role: 'assessor' }], results: [{ unit: 'UC1', outcome: 'LO1', method: 'observation', result: 'demonstrated' }] },
    'POST /orgs/{slug}/assessments/{id}/decision': { decision: 'full', rationale: 'All outcomes demonstrated.' },
    'POST /orgs/{slug}/assessments/{id}/certify': {},
    'POST /orgs/{slug}/assessments/{id}/appeal': { reason: 'The jury did not see my portfolio' },
    'POST /batches': toCsv(cohort(1, 'fzv')),
    'POST /verify': { credential: JSON.stringify(signedCredential) },
  };

  return {
    slug: main.slug, did: main.did, otherSlug: other.slug, auth, real, signedCredential, unsignedCredential, jwtCredential, presentation, validBodies,
  };
}
