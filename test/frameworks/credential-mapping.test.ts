import t from 'tap';
import { BASE_URL, buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';

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
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: cncBricklayer([alignment]) } });
    t.equal(response.statusCode, 400, what);
    t.equal(response.json().code, code, `${what}: ${response.body}`);
    t.match(response.json().detail, detail, what);
  }
  const unknownFramework = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: { credential: cncBricklayer([{ type: ['Alignment'], targetName: 'Tunisian NQF 4', targetFramework: 'CNQ Tunisie', targetCode: '4' }]) },
  });
  t.equal(unknownFramework.statusCode, 201, 'a framework the service does not hold is kept, not refused or guessed');
});

t.test('verification adds what the credential corresponds to in the destination country, with basis and skills', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: cncBricklayer() } })).json().verifiableCredential;
  const response = await ctx.app.inject({
    method: 'POST', url: '/credentials/verify',
    payload: { verifiableCredential: vc, options: { recognition: { country: 'ES' }, lang: 'fr' } },
  });
  t.equal(response.statusCode, 200, response.body);
  const { recognition } = response.json();
  t.equal(recognition.from.ref, 'ma-cnc:4');
  t.equal(recognition.destination.framework, 'es-mecu');
  t.equal(recognition.outcome, 'recognised');
  t.same(recognition.levels.map((l: { ref: string }) => l.ref), ['es-mecu:4']);
  t.same(recognition.path, ['ma-cnc:4', 'eqf:4', 'es-mecu:4']);
  t.equal(recognition.basis, 'indicative', 'Morocco has no official EQF comparison');
  t.match(recognition.explanation, /indicative/i);
  t.same(recognition.skills.map((s: { uri: string }) => s.uri), [MIX_GROUTS, SAFETY]);
  t.match(recognition.occupations[0], { code: '7112' });
  t.ok(recognition.paths[0].steps.every((s: { source: { title: string } }) => s.source.title), 'every step names its source');

  const stated = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { framework: 'ma-cnc' } } } });
  t.equal(stated.json().recognition.outcome, 'stated-by-issuer');

  const badTarget = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { framework: 'xx-none' } } } });
  t.equal(badTarget.statusCode, 404);
  t.equal(badTarget.json().code, 'unknown-framework');
});

t.test('a Moroccan CNC level 5 (Technicien spécialisé) in Spain, Germany and Belgium: an answer with basis and source, in French', async (t) => {
  const ctx = await buildTestApp(t);
  for (const [target, expected] of [['country=ES', 'es-mecu:5'], ['country=DE', 'de-dqr:5'], ['to=be-fl', 'be-fl:5'], ['to=be-fr', 'be-fr:5']] as const) {
    const response = await ctx.app.inject({ method: 'GET', url: `/recognition?from=ma-cnc:5&${target}&lang=fr` });
    t.equal(response.statusCode, 200, `${target}: ${response.body}`);
    const body = response.json();
    t.equal(body.outcome, 'recognised', target);
    t.ok(body.levels.some((l: { ref: string }) => l.ref === expected), `${target} gives ${expected}`);
    t.equal(body.basis, 'indicative', target);
    t.ok(body.paths[0].steps.every((s: { source: { title: string } }) => s.source.title.length > 0), `${target} names its sources`);
    t.equal(body.lang, 'fr');
  }
  const ambiguous = await ctx.app.inject({ method: 'GET', url: '/recognition?from=ma-cnc:5&country=BE' });
  t.equal(ambiguous.statusCode, 400, 'Belgium has two frameworks: the API asks which');
});

t.test('POST /recognition/evaluate takes a level or a credential', async (t) => {
  const ctx = await buildTestApp(t);
  const byLevel = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { level: 'gh-ntvetqf:4', to: 'de-dqr', lang: 'es' } });
  t.equal(byLevel.statusCode, 200, byLevel.body);
  t.equal(byLevel.json().lang, 'es');
  const byCredential = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: cncBricklayer(), country: 'DE', lang: 'ar' } });
  t.equal(byCredential.statusCode, 200, byCredential.body);
  t.same(byCredential.json().levels.map((l: { ref: string }) => l.ref), ['de-dqr:4']);
  const noLevel = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: cncBricklayer([]), to: 'de-dqr' } });
  t.equal(noLevel.statusCode, 400);
  t.equal(noLevel.json().code, 'no-framework-level');
  const unknownLevel = await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { level: 'ma-cnc:12', to: 'de-dqr' } });
  t.equal(unknownLevel.statusCode, 404);
});

t.test('the skills a credential names feed the skills gap against the ESCO bricklayer occupation', async (t) => {
  const ctx = await buildTestApp(t);
  const evaluated = (await ctx.app.inject({ method: 'POST', url: '/recognition/evaluate', payload: { credential: cncBricklayer(), country: 'ES' } })).json();
  const gap = await ctx.app.inject({
    method: 'POST', url: '/skills/gap', payload: { skills: evaluated.skills.map((s: { uri: string }) => s.uri), occupation: BRICKLAYER, lang: 'es' },
  });
  t.equal(gap.statusCode, 200, gap.body);
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
  const vc = (await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: old } })).json().verifiableCredential;
  const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc, options: { recognition: { country: 'ES' } } } });
  t.equal(verified.json().verified, true);
  t.equal(verified.json().recognition.from.ref, 'ma-cnc:4', 'the old placeholder URI still names the level');
});
