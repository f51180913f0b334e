import crypto from 'node:crypto';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;

/** A catalogue achievement of the assessing body: the reference standard. */
const REFERENCE_ACHIEVEMENT = {
  id: 'macon-cnc3',
  language: 'fr',
  name: { fr: 'Maçon qualifié', en: 'Qualified bricklayer' },
  description: { fr: 'Pose de briques et de blocs, lecture de plans simples, sécurité sur chantier.', en: 'Laying bricks and blocks, reading simple plans, site safety.' },
  criteria: { narrative: { fr: 'Évaluation pratique sur chantier.', en: 'Practical assessment on site.' } },
  levels: [{ targetUrl: 'http://data.europa.eu/snb/eqf/3' }],
};

const UNITS = [
  { id: 'UC1', name: 'Maçonnerie de briques', outcomes: [{ id: 'LO1', statement: 'Monte un mur de briques d\'aplomb' }, { id: 'LO2', statement: 'Prépare un mortier adapté' }] },
  { id: 'UC2', name: 'Lecture de plans', outcomes: [{ id: 'LO1', statement: 'Lit un plan de coffrage simple' }] },
];

const ATTESTATION = Buffer.from('Attestation: M. Diallo a travaillé comme maçon chez BTP Agadir de 2018 à 2023.\n');

class Case {
  constructor(private readonly ctx: TestApp, readonly slug: string, readonly auth: Json, readonly id: string) {}
  url(path = '') { return `/orgs/${this.slug}/assessments/${this.id}${path}`; }
  post(path: string, payload: Json) { return this.ctx.app.inject({ method: 'POST', url: this.url(path), headers: this.auth, payload }); }
  async get() { return (await this.ctx.app.inject({ method: 'GET', url: this.url(), headers: this.auth })).json() as Json; }
}

async function assessmentBody(ctx: TestApp) {
  const body = await ctx.issuer('cfp-btp', { kind: 'assessment-body' });
  const created = await ctx.app.inject({ method: 'POST', url: `/orgs/${body.slug}/achievements`, headers: body.auth, payload: REFERENCE_ACHIEVEMENT });
  if (created.statusCode !== 201) throw new Error(created.body);
  return body;
}

async function openCase(ctx: TestApp, body: { slug: string; auth: Json }, payload: Json = {}) {
  const response = await ctx.app.inject({
    method: 'POST', url: `/orgs/${body.slug}/assessments`, headers: body.auth,
    payload: { candidate: { name: 'Mamadou Diallo', did: 'did:example:mamadou' }, reference: { achievement: 'macon-cnc3' }, units: UNITS, ...payload },
  });
  if (response.statusCode !== 201) throw new Error(response.body);
  return new Case(ctx, body.slug, body.auth, response.json().id);
}

async function documented(c: Case) {
  const toDocumentation = await c.post('/stage', { to: 'documentation', note: 'Identification interview: bricklaying and plan reading, 5 years on sites in Agadir.' });
  if (toDocumentation.statusCode !== 200) throw new Error(toDocumentation.body);
  const attestation = await c.post('/evidence', {
    kind: 'employer-attestation', title: 'Attestation de travail BTP Agadir', description: 'Employer certificate stating activities and duration',
    attestedBy: 'BTP Agadir SARL', period: { from: '2018-03', to: '2023-10' }, hours: 8200,
    file: { name: 'attestation.txt', mediaType: 'text/plain', contentBase64: ATTESTATION.toString('base64') }, outcomes: ['UC1'],
  });
  if (attestation.statusCode !== 201) throw new Error(attestation.body);
  const record = await c.post('/evidence', {
    kind: 'work-record', title: 'Relevé CNSS', description: 'Social security work record', period: { from: '2018-03', to: '2023-10' },
    sha256: 'a'.repeat(64), outcomes: ['UC1/LO1', 'UC2'],
  });
  if (record.statusCode !== 201) throw new Error(record.body);
  const toAssessment = await c.post('/stage', { to: 'assessment' });
  if (toAssessment.statusCode !== 200) throw new Error(toAssessment.body);
  return { attestation: attestation.json(), record: record.json() };
}

const ASSESSORS = [{ name: 'Khadija Benali', role: 'assessor' }, { name: 'Kofi Mensah', role: 'jury-member', organisation: 'Chambre des métiers' }];

function assess(c: Case, uc2: 'demonstrated' | 'not-demonstrated' | 'partially-demonstrated', uc1 = 'demonstrated') {
  return c.post('/results', {
    assessors: ASSESSORS,
    results: [
      { unit: 'UC1', outcome: 'LO1', method: 'observation', result: uc1, comment: 'Mur de 2 m monté d\'aplomb en situation réelle' },
      { unit: 'UC1', outcome: 'LO2', method: 'simulation', result: uc1 },
      { unit: 'UC2', outcome: 'LO1', method: 'interview', result: uc2 },
    ],
  });
}

async function verify(ctx: TestApp, verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  return { status: response.statusCode, body: response.json() as Json };
}

t.test('a validation case runs through the four stages and its credential verifies with its evidence and results', async (t) => {
  const ctx = await buildTestApp(t);
  const body = await assessmentBody(ctx);
  const c = await openCase(ctx, body);
  t.equal((await c.get()).stage, 'identification');
  const { attestation } = await documented(c);
  t.equal(attestation.sha256, crypto.createHash('sha256').update(ATTESTATION).digest('hex'), 'the uploaded file is hashed');
  t.equal(attestation.file.size, ATTESTATION.length);
  const file = await ctx.app.inject({ method: 'GET', url: c.url(`/evidence/${attestation.id}/file`), headers: body.auth });
  t.equal(file.statusCode, 200);
  t.same(file.rawPayload, ATTESTATION, 'the file is kept as sent');

  t.equal((await assess(c, 'demonstrated')).statusCode, 200);
  const decided = await c.post('/decision', { decision: 'full', rationale: 'Toutes les réalisations professionnelles démontrées.' });
  t.equal(decided.statusCode, 200, 'decided status', { body: decided.body });
  t.match(decided.json(), { stage: 'decided', decision: { decision: 'full', gapTraining: [] } });

  const certified = await c.post('/certify', {});
  t.equal(certified.statusCode, 201, 'certified status', { body: certified.body });
  const vc = certified.json().verifiableCredential;
  t.equal(certified.json().case.stage, 'certified');
  t.equal(certified.json().case.credentialId, vc.id);

  const subject = vc.credentialSubject;
  t.equal(subject.id, 'did:example:mamadou');
  t.equal(subject.achievement.id, 'http://passerelle.test/orgs/cfp-btp/achievements/macon-cnc3', 'the reference achievement itself, from the catalogue');
  t.match(subject.source, { id: vc.issuer, type: ['Profile'] });
  t.match(subject.narrative, /validation des apprentissages non formels et informels/, 'in the language of the credential (French)');
  t.match(subject.narrative, /Décision : validation totale/);
  t.same(subject.result.map((r: Json) => r.value), ['demonstrated', 'demonstrated', 'demonstrated']);
  const descriptions = new Set(subject.achievement.resultDescription.map((rd: Json) => rd.id));
  t.ok(subject.result.every((r: Json) => descriptions.has(r.resultDescription)), 'every result points to a description in the achievement');
  t.equal(vc.evidence.length, 2);
  t.match(vc.evidence[0], { type: ['Evidence'], name: 'Attestation de travail BTP Agadir', genre: 'Attestation d’employeur', narrative: /8200 heures\s; attesté par BTP Agadir SARL\s; document SHA-256 [0-9a-f]{64}/ });
  t.match(vc.evidence[0].id, /^ni:\/\/\/sha-256;/);

  const verified = await verify(ctx, vc);
  t.equal(verified.status, 200, 'verified', { checks: verified.body.checks });
  t.equal(verified.body.verified, true);
  t.same(verified.body.credential.evidence, vc.evidence, 'the evidence summary is part of what was verified');
  t.same(verified.body.credential.credentialSubject.result, subject.result);

  const history = (await c.get()).history;
  t.same(history.map((e: Json) => e.event), ['opened', 'stage-changed', 'evidence-added', 'evidence-added', 'stage-changed', 'results-recorded', 'decided', 'certified']);
  const issuingToken = (await ctx.services.repos.tokens.listFor((await ctx.services.repos.organisations.bySlug(body.slug))!.id))[0]!;
  t.ok(history.every((e: Json) => e.actorTokenId === issuingToken.id && typeof e.at === 'string'), 'every change says who and when');
  t.equal(history[1].details.note, 'Identification interview: bricklaying and plan reading, 5 years on sites in Agadir.');

  const audit = (await ctx.app.inject({ method: 'GET', url: `/orgs/${body.slug}/audit?verify=true`, headers: ctx.admin })).json();
  t.same(audit.entries.map((e: Json) => e.action).slice(1), [
    'assessment.opened', 'assessment.stage-changed', 'assessment.stage-changed', 'assessment.decided', 'credential.issued', 'assessment.certified',
  ]);
  t.equal(audit.verification.valid, true);

  const again = await c.post('/certify', {});
  t.equal(again.json().code, 'already-certified');
});

t.test('a partial decision yields a credential for the validated units only, with gap-training advice for the rest', async (t) => {
  const ctx = await buildTestApp(t);
  const body = await assessmentBody(ctx);
  // A standard published elsewhere: Spain's catalogue of professional qualifications, EQF level 3.
  const c = await openCase(ctx, body, {
    reference: { url: 'https://incual.educacion.gob.es/eoc2_1', name: 'Fábricas de albañilería', alignment: [{ targetUrl: 'http://data.europa.eu/snb/eqf/3' }] },
  });
  await documented(c);
  await assess(c, 'partially-demonstrated');
  const wrong = await c.post('/decision', { decision: 'full', rationale: 'x' });
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json(), { code: 'decision-contradicts-results', expected: 'partial' });
  const noAdvice = await c.post('/decision', { decision: 'partial', rationale: 'UC2 non démontrée' });
  t.equal(noAdvice.json().code, 'gap-training-advice-required');
  const decided = await c.post('/decision', {
    decision: 'partial', rationale: 'UC2 non démontrée',
    gapTraining: [{ unit: 'UC2', advice: 'Module de lecture de plans (40 h) au centre OFPPT le plus proche' }],
  });
  t.equal(decided.statusCode, 200, 'decided status', { body: decided.body });
  t.match(decided.json().decision.gapTraining, [{ unit: 'UC2', outcomes: [{ id: 'LO1', result: 'partially-demonstrated' }], advice: /lecture de plans/ }]);
  t.same(decided.json().units.map((u: Json) => u.validated), [true, false]);

  const certified = await c.post('/certify', { format: 'eddsa-jcs-2022' });
  t.equal(certified.statusCode, 201, 'certified status', { body: certified.body });
  const vc = certified.json().verifiableCredential;
  const achievement = vc.credentialSubject.achievement;
  t.equal(achievement.id, 'https://incual.educacion.gob.es/eoc2_1#validated-units-UC1', 'not the whole qualification');
  t.match(achievement.name, /validated units Maçonnerie de briques$/);
  t.same(achievement.alignment.map((a: Json) => a.targetCode), ['UC1'], 'the validated unit, not the qualification\'s EQF level');
  t.notOk(JSON.stringify(achievement).includes('data.europa.eu/snb/eqf'), 'no alignment to the whole qualification\'s level');
  t.equal(vc.credentialSubject.result.length, 2, 'results of UC1 only');
  t.ok(vc.credentialSubject.result.every((r: Json) => /vpl-outcome-UC1-/.test(r.resultDescription)));
  t.notOk(JSON.stringify(achievement).includes('Lecture de plans'), 'nothing about the unit not validated');
  t.equal(vc.evidence.length, 2, 'both items support UC1');
  t.match(vc.credentialSubject.narrative, /Decision: partial validation \(1 of 2 units\)/);
  const verified = await verify(ctx, vc);
  t.equal(verified.body.verified, true, 'verified', { checks: verified.body.checks });

  const recognition = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { country: 'ES' } } } });
  t.match(recognition.json().recognition, { outcome: 'no-framework-level' }, 'verification gives no level equivalence for part of a qualification');
  t.notOk(recognition.json().recognition.levels, 'and no level');
  const PARTIAL: Record<string, string> = {
    fr: 'Validation partielle : ces unités ont été validées', es: 'Validación parcial: se validaron estas unidades',
    ar: 'تصديق جزئي: تمت المصادقة على هذه الوحدات', en: 'Partial validation: these units were validated',
  };
  for (const [lang, heading] of Object.entries(PARTIAL)) {
    const page = await ctx.app.inject({
      method: 'POST', url: `/verify?lang=${lang}`, headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ credential: JSON.stringify(vc) }).toString(),
    });
    t.match(page.body, heading, `${lang}: says it is a partial validation`);
    t.match(page.body, /<bdi class="code">UC1<\/bdi>/, `${lang}: names the unit`);
    t.notMatch(page.body, /class="recognition" data-outcome/, `${lang}: no level equivalence`);
    t.notMatch(page.body, /<h3>(Niveau indiqué|Nivel indicado|Level stated|المستوى الذي)/, `${lang}: no level of the whole qualification`);
  }
});

t.test('a decided case is frozen and can only be appealed, as a new linked case', async (t) => {
  const ctx = await buildTestApp(t);
  const body = await assessmentBody(ctx);
  const c = await openCase(ctx, body);
  await documented(c);
  await assess(c, 'not-demonstrated', 'not-demonstrated');
  const decided = await c.post('/decision', {
    decision: 'none', rationale: 'Aucune unité démontrée',
    gapTraining: [{ unit: 'UC1', advice: 'Formation qualifiante maçonnerie' }, { unit: 'UC2', advice: 'Module lecture de plans' }],
  });
  t.equal(decided.statusCode, 200, 'decided status', { body: decided.body });
  t.equal((await c.post('/certify', {})).json().code, 'nothing-to-certify');
  for (const [path, payload] of [
    ['/evidence', { kind: 'observation', title: 'x', description: 'y' }],
    ['/results', { results: [{ unit: 'UC1', outcome: 'LO1', method: 'test', result: 'demonstrated' }] }],
    ['/decision', { decision: 'none', rationale: 'again', gapTraining: [] }],
    ['/stage', { to: 'assessment' }],
  ] as Array<[string, Json]>) {
    const refused = await c.post(path, payload);
    t.equal(refused.statusCode, 409, path);
    t.equal(refused.json().code, 'case-decided', path);
  }
  const appealed = await c.post('/appeal', { reason: 'L\'observation a eu lieu sous la pluie, sans équipement' });
  t.equal(appealed.statusCode, 201, 'appealed status', { body: appealed.body });
  const appealCase = appealed.json();
  t.match(appealCase, { stage: 'documentation', appealOf: c.id, decision: null, candidate: { name: 'Mamadou Diallo' } });
  t.equal(appealCase.evidence.length, 2, 'the evidence follows the appeal');
  t.ok(appealCase.units.every((u: Json) => u.outcomes.every((o: Json) => o.assessment === null)), 'assessed afresh');
  const original = await c.get();
  t.same(original.appeals, [appealCase.id]);
  t.equal(original.decision.decision, 'none', 'the original decision stands as it was');
  t.equal((await c.post('/appeal', { reason: 'again' })).json().code, 'already-appealed');
});

t.test('stages are taken in order and each refusal says why', async (t) => {
  const ctx = await buildTestApp(t);
  const body = await assessmentBody(ctx);
  const c = await openCase(ctx, body);
  const skip = await c.post('/stage', { to: 'assessment' });
  t.match(skip.json(), { status: 409, code: 'invalid-stage-transition' });
  t.equal((await c.post('/evidence', { kind: 'work-record', title: 'x', description: 'y' })).json().code, 'wrong-stage');
  await c.post('/stage', { to: 'documentation' });
  t.equal((await c.post('/stage', { to: 'assessment' })).json().code, 'no-evidence');
  t.equal((await c.post('/results', { results: [{ unit: 'UC1', outcome: 'LO1', method: 'test', result: 'demonstrated' }] })).json().code, 'wrong-stage');

  const mismatch = await c.post('/evidence', {
    kind: 'portfolio-item', title: 'Photo', description: 'Mur', sha256: 'b'.repeat(64),
    file: { name: 'mur.txt', mediaType: 'text/plain', contentBase64: Buffer.from('mur').toString('base64') },
  });
  t.equal(mismatch.json().code, 'evidence-hash-mismatch');
  const tooLarge = await c.post('/evidence', {
    kind: 'portfolio-item', title: 'Photo', description: 'Mur',
    file: { name: 'mur.jpg', mediaType: 'image/jpeg', contentBase64: Buffer.alloc(600 * 1024).toString('base64') },
  });
  t.equal(tooLarge.statusCode, 400, 'refused by the schema before decoding');
  const unknownOutcome = await c.post('/evidence', { kind: 'work-record', title: 'x', description: 'y', outcomes: ['UC9'] });
  t.equal(unknownOutcome.json().code, 'unknown-outcome');

  await c.post('/evidence', { kind: 'work-record', title: 'Relevé', description: 'Work record' });
  await c.post('/stage', { to: 'assessment' });
  const incomplete = await c.post('/results', { results: [{ unit: 'UC1', outcome: 'LO1', method: 'observation', result: 'demonstrated' }] });
  t.equal(incomplete.statusCode, 200);
  t.match((await c.post('/decision', { decision: 'full', rationale: 'x' })).json(), { code: 'outcomes-not-assessed', missing: ['UC1/LO2', 'UC2/LO1'] });
  await c.post('/results', { results: [{ unit: 'UC1', outcome: 'LO2', method: 'test', result: 'demonstrated' }, { unit: 'UC2', outcome: 'LO1', method: 'test', result: 'demonstrated' }] });
  t.equal((await c.post('/decision', { decision: 'full', rationale: 'x' })).json().code, 'no-assessor');

  const badReference = await ctx.app.inject({
    method: 'POST', url: `/orgs/${body.slug}/assessments`, headers: body.auth,
    payload: { candidate: { name: 'A' }, reference: { achievement: 'nope' }, units: UNITS },
  });
  t.equal(badReference.json().code, 'unknown-achievement');
  const duplicate = await ctx.app.inject({
    method: 'POST', url: `/orgs/${body.slug}/assessments`, headers: body.auth,
    payload: { candidate: { name: 'A' }, reference: { achievement: 'macon-cnc3' }, units: [UNITS[0], UNITS[0]] },
  });
  t.equal(duplicate.json().code, 'duplicate-id');

  const other = await ctx.issuer('autre-centre');
  const foreign = await ctx.app.inject({ method: 'GET', url: c.url(), headers: other.auth });
  t.same(problemOf(foreign), { status: 403, code: 'forbidden' }, 'case files are readable only by the assessing organisation');
});

t.test('certification with holder: the candidate\'s name in the credential (hashed on request) and a claim link for their wallet', async (t) => {
  const ctx = await buildTestApp(t);
  const body = await assessmentBody(ctx);
  const c = await openCase(ctx, body, {
    candidate: { name: 'Mamadou Diallo' },
    reference: { url: 'https://incual.educacion.gob.es/eoc2_1', name: 'Fábricas de albañilería', language: 'es', alignment: [{ targetUrl: 'http://data.europa.eu/snb/eqf/3' }] },
  });
  await documented(c);
  await assess(c, 'demonstrated');
  t.equal((await c.post('/decision', { decision: 'full', rationale: 'Todo demostrado.' })).statusCode, 200);
  const badHolder = await c.post('/certify', { holder: { email: 'not-an-address' } });
  t.same(problemOf(badHolder), { status: 400, code: 'invalid-holder' });
  const certified = await c.post('/certify', { holder: { phone: '+212 612 345 678', nameInCredential: 'hashed' } });
  t.equal(certified.statusCode, 201, 'certified status', { body: certified.body });
  const { verifiableCredential: vc, claimOffer } = certified.json() as Json;
  t.match(claimOffer, { url: /\/claim\/[A-Za-z0-9_-]{43}$/, expiresAt: /^20/, qrCodeSvg: /^<svg / });
  const [name] = vc.credentialSubject.identifier;
  t.match(name, { type: 'IdentityObject', identityType: 'name', hashed: true, identityHash: /^sha256\$[0-9a-f]{64}$/, salt: /^[0-9a-f]{24}$/ });
  t.equal(name.identityHash, `sha256$${crypto.createHash('sha256').update(`Mamadou Diallo${name.salt}`).digest('hex')}`, 'the OB 3.0 salted hash of the name');
  t.notOk(JSON.stringify(vc).includes('Mamadou Diallo'), 'the name itself is not in the credential');
  t.match(vc.credentialSubject.narrative, /Decisión: validación total/, 'in the language of the reference (Spanish)');
  t.match(vc.evidence[0].genre, 'Certificado de empresa');
});
