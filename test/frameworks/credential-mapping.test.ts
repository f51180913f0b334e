import t from 'tap';
import { BASE_URL, buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';
import { problemOf } from '../helpers/problems.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';
const MIX_GROUTS = 'http://data.europa.eu/esco/skill/bfd96453-f2fd-43ea-afc1-fb2dc0d7367d';
const SAFETY = 'http://data.europa.eu/esco/skill/86df7af2-f9f3-4c06-a500-7f1fba9e78fe';

/** A Moroccan CNC level 4 bricklaying credential with its ESCO skills and ISCO occupation. */
function cncBricklayer(alignment?: Array<Record<string, unknown>>) {
  const credential = openBadgeCredential() as any;
  credential.credentialSubject.achievement.alignment = alignment ?? [
    { type: ['Alignment'], targetName: 'CNC niveau 4 (Technicien)', targetFramework: 'ma-cnc', targetCode: '4', targetUrl: 'https://passerelle.example/frameworks/ma-cnc/levels/4' },
    { type: ['Alignment'], targetName: 'mix construction grouts', targetFramework: 'ESCO', targetUrl: MIX_GROUTS, targetType: 'ceasn:Competency' },
    { type: ['Alignment'], targetName: 'follow health and safety procedures in construction', targetFramework: 'ESCO', targetUrl: SAFETY, targetType: 'ceasn:Competency' },
    { type: ['Alignment'], targetName: 'Bricklayers and related workers', targetFramework: 'ISCO-08', targetCode: '7112' },
  ];
  return credential;
}

t.test('issuing refuses alignments the reference data contradicts, naming them', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['EQF level 9', { type: ['Alignment'], targetName: 'EQF 9', targetFramework: 'EQF', targetCode: '9' }, 'unknown-framework-level', /targetCode "9"/],
    ['EQF URI 12', { type: ['Alignment'], targetName: 'EQF 12', targetUrl: 'http://data.europa.eu/snb/eqf/12' }, 'unknown-framework-level', /eqf\/12/],
    ['unknown ESCO skill', { type: ['Alignment'], targetName: 'x', targetUrl: 'http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000' }, 'unknown-esco-skill', /00000000/],
    ['unknown ESCO occupation', { type: ['Alignment'], targetName: 'x', targetUrl: 'http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000' }, 'unknown-esco-occupation', /00000000/],
    ['unknown ISCO group', { type: ['Alignment'], targetName: 'x', targetFramework: 'ISCO-08', targetCode: '9999' }, 'unknown-isco-group', /9999/],
  ];
  for (const [what, alignment, code, detail] of cases) {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: cncBricklayer([alignment]), options: { issuer: 'organisation' } } });
    t.same(problemOf(response), { status: 400, code }, what, { body: response.body });
    t.match(response.json().detail, detail, `${what}: names it`);
  }
  const unknownFramework = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: { credential: cncBricklayer([{ type: ['Alignment'], targetName: 'Tunisian NQF 4', targetFramework: 'CNQ Tunisie', targetCode: '4' }]), options: { issuer: 'organisation' } },
  });
  t.equal(unknownFramework.statusCode, 201, 'a framework the service does not hold is not refused', { body: unknownFramework.body });
  t.same(unknownFramework.json().verifiableCredential.credentialSubject.achievement.alignment,
    [{ type: ['Alignment'], targetName: 'Tunisian NQF 4', targetFramework: 'CNQ Tunisie', targetCode: '4' }], 'its alignment is kept as given, nothing guessed beside it');
});

t.test('verification: a level the issuer states is the issuer\'s claim, never an official referencing', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issue = async (credential: Record<string, unknown>) => (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const verify = async (vc: unknown, recognition: Record<string, string>, lang = 'es') => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition, lang } } });
    t.equal(response.statusCode, 200, 'verified', { body: response.body });
    return response.json().recognition;
  };
  // A Moroccan centre's mason credential, aligned by the centre itself to EQF 3 (the default test credential).
  const eqf3 = await verify(await issue(openBadgeCredential()), { country: 'ES' });
  t.equal(eqf3.basis, 'issuer-claimed', 'not official-referencing');
  t.equal(eqf3.outcome, 'issuer-claimed');
  t.same(eqf3.path, ['eqf:3', 'es-mecu:3']);
  t.same(eqf3.paths[0].steps.map((s: { basis: string }) => s.basis), ['issuer-claimed', 'official-referencing']);
  t.match(eqf3.explanation, /^Solo según el emisor: Maçon \(CNC niveau 3\) está al mismo nivel que/);
  t.match(eqf3.explanation, /lo declara el emisor; ninguna fuente publicada lo confirma/);
  t.notMatch(eqf3.explanation, /Fundamento: oficial|referenciación oficial del país al MEC\.$/);

  const vc = await issue(cncBricklayer());
  const cnc4 = await verify(vc, { country: 'ES' }, 'fr');
  t.equal(cnc4.from.ref, 'ma-cnc:4');
  t.equal(cnc4.destination.framework, 'es-mecu');
  t.equal(cnc4.outcome, 'none', 'a national CNC level reaches no Spanish level by its number');
  t.equal(cnc4.nextSteps[0].id, 'es-fp-homologacion');
  t.same(cnc4.skills.map((s: { uri: string }) => s.uri), [MIX_GROUTS, SAFETY]);
  t.match(cnc4.occupations[0], { code: '7112' });

  const stated = await verify(vc, { framework: 'ma-cnc' }, 'en');
  t.equal(stated.outcome, 'issuer-claimed', 'a level stated in the destination framework is still only the issuer\'s word');
  t.same(stated.levels.map((l: { ref: string }) => l.ref), ['ma-cnc:4']);

  const badTarget = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { framework: 'xx-none' } } } });
  t.same(problemOf(badTarget), { status: 404, code: 'unknown-framework' }, 'an unknown destination framework');
});

t.test('verification: an accreditation covering the stated level makes it an accredited claim, naming the authority', async (t) => {
  const ctx = await buildTestApp(t);
  const centre = await ctx.issuer();
  const agency = await ctx.createOrganisation('incual', { kind: 'recognition-authority', country: 'ES', name: { es: 'INCUAL', en: 'INCUAL (Spain)' } });
  const agencyAuth = { authorization: `Bearer ${await ctx.tokenFor('incual', ['issue'])}` };
  const until = new Date(ctx.clock.current.getTime() + 365 * 86_400_000).toISOString();
  const granted = await ctx.app.inject({ method: 'POST', url: '/orgs/incual/accreditations', headers: agencyAuth, payload: { issuer: centre.did, scope: { level: 'eqf:3' }, validUntil: until } });
  t.equal(granted.statusCode, 201, 'accredited', { body: granted.body });
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: centre.auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const body = (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { country: 'ES' }, lang: 'en' } } })).json();
  t.equal(body.trust.valid, true);
  t.equal(body.recognition.basis, 'accredited-claim');
  t.match(body.recognition.paths[0].steps[0], { basis: 'accredited-claim', accreditedBy: { id: agency.did, name: 'INCUAL (Spain)' } });
  t.match(body.recognition.explanation, /stated by the issuer, which INCUAL \(Spain\) accredits for this level/);
  const evaluated = (await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: vc, country: 'ES' } })).json();
  t.equal(evaluated.basis, 'issuer-claimed', 'without verification, no accreditation is established');
});

t.test('a credential names its qualification type: the published placement is used, with the regulated route when the occupation is regulated', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const typed = cncBricklayer([
    { type: ['Alignment'], targetName: 'Diplôme de Technicien Spécialisé', targetType: 'ceterms:Credential', targetFramework: 'Passerelle qualification types', targetCode: 'ma-technicien-specialise', targetUrl: 'http://passerelle.test/qualification-types/ma-technicien-specialise' },
    { type: ['Alignment'], targetName: 'CNC niveau 5', targetFramework: 'ma-cnc', targetCode: '5' },
  ]);
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: typed, options: { issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201, 'issued', { body: issued.body });
  const r = (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: issued.json().verifiableCredential, options: { recognition: { country: 'DE' }, lang: 'fr' } } })).json().recognition;
  t.equal(r.basis, 'credential-evaluation-body');
  t.same(r.path, ['qualification-type:ma-technicien-specialise', 'eqf:5', 'de-dqr:5']);
  t.equal(r.from.title, 'Diplôme de Technicien Spécialisé');
  t.match(r.explanation, /^Indicatif, non officiel : Diplôme de Technicien Spécialisé \(Maroc\)/);

  const unknown = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: cncBricklayer([{ type: ['Alignment'], targetName: 'x', targetFramework: 'Passerelle qualification types', targetCode: 'xx-diploma' }]), options: { issuer: 'organisation' } } });
  t.same(problemOf(unknown), { status: 400, code: 'unknown-qualification-type' }, 'an unknown qualification type is refused');

  const nurse = cncBricklayer([
    { type: ['Alignment'], targetName: 'HND', targetFramework: 'Passerelle qualification types', targetCode: 'gh-hnd' },
    { type: ['Alignment'], targetName: 'nurse responsible for general care', targetUrl: 'http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50' },
  ]);
  const evaluated = (await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: nurse, country: 'DE' } })).json();
  t.equal(evaluated.nextSteps[0].id, 'de-regulated', 'a regulated occupation: the regulated route first');
  t.match(evaluated.nextSteps[0].reason, /regulated occupation: nurse responsible for general care/);
});

t.test('POST /recognition/evaluate takes a level, a qualification type or a credential', async (t) => {
  const ctx = await buildTestApp(t);
  const byLevel = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { level: 'gh-ntvetqf:4', to: 'de-dqr', lang: 'es' } });
  t.equal(byLevel.statusCode, 200, 'by level', { body: byLevel.body });
  t.equal(byLevel.json().lang, 'es');
  t.equal(byLevel.json().outcome, 'none');
  const byType = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { qualificationType: 'gh-certificate-2', to: 'de-dqr' } });
  t.same(byType.json().levels.map((l: { ref: string }) => l.ref), ['de-dqr:3', 'de-dqr:4']);
  const byCredential = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: openBadgeCredential(), country: 'DE', lang: 'ar' } });
  t.equal(byCredential.statusCode, 200, 'by credential', { body: byCredential.body });
  t.same(byCredential.json().levels.map((l: { ref: string }) => l.ref), ['de-dqr:3']);
  t.equal(byCredential.json().basis, 'issuer-claimed');
  const noLevel = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: cncBricklayer([]), to: 'de-dqr' } });
  t.same(problemOf(noLevel), { status: 400, code: 'no-framework-level' }, 'a credential without a level');
  const both = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: openBadgeCredential(), level: 'ma-cnc:4', to: 'de-dqr' } });
  t.same(problemOf(both), { status: 400, code: 'invalid-request' }, 'a credential and a level at once');
  const unknownLevel = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { level: 'ma-cnc:12', to: 'de-dqr' } });
  t.same(problemOf(unknownLevel), { status: 404, code: 'unknown-level' }, 'an unknown level');
});

t.test('the skills a credential names feed the skills gap against the ESCO bricklayer occupation', async (t) => {
  const ctx = await buildTestApp(t);
  const evaluated = (await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: cncBricklayer(), country: 'ES' } })).json();
  const gap = await ctx.app.inject({
    method: 'POST', url: '/skills/gap', payload: { skills: evaluated.skills.map((s: { uri: string }) => s.uri), occupation: BRICKLAYER, lang: 'es' },
  });
  t.equal(gap.statusCode, 200, 'the gap is computed', { body: gap.body });
  const body = gap.json();
  t.same(body.essential.covered.map((s: { uri: string }) => s.uri).sort(), [MIX_GROUTS, SAFETY].sort());
  t.notOk(body.essential.missing.some((s: { uri: string }) => s.uri === MIX_GROUTS));
  t.ok(body.essential.missing.length > 0, 'the rest of the essentials are listed as missing');
});

t.test('level URIs: minted under the base URL, and resolvable; credentials with the old placeholder still map', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  const achievement = (await ctx.app.inject({ url: '/orgs/ofppt-casa/achievements/macon-cnc3' })).json();
  const cnc = achievement.alignment.find((a: { targetFramework?: string }) => a.targetFramework === 'CNC');
  t.equal(cnc.targetUrl, `${BASE_URL}/frameworks/ma-cnc/levels/3`);
  const resolved = await ctx.app.inject({ url: new URL(cnc.targetUrl).pathname, headers: { accept: 'application/ld+json' } });
  t.equal(resolved.statusCode, 200, 'the URI in the credential resolves');
  t.equal(resolved.json().uri, cnc.targetUrl);

  const old = cncBricklayer([
    { type: ['Alignment'], targetName: 'CNC niveau 4', targetUrl: 'https://passerelle.example/frameworks/ma-cnc/levels/4' },
  ]);
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: old, options: { issuer: 'organisation' } } })).json().verifiableCredential;
  const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { country: 'ES' } } } });
  t.equal(verified.json().verified, true);
  t.equal(verified.json().recognition.from.ref, 'ma-cnc:4', 'the old placeholder URI still names the level');
});
