import t from 'tap';
import { BASIS_STRENGTH as STRENGTH, composeRelation, recognise, weakestBasis } from '../../src/frameworks/recognition.js';
import { buildRegistry, listFrameworks, readRawData } from '../../src/frameworks/registry.js';
import type { Basis, Recognition } from '../../src/frameworks/types.js';

const LANGS = ['en', 'fr', 'es', 'ar'];

/** Official referencings from the facts sheet (section 1), written out here independently of the data files. */
const identity = (fw: string) => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [fw, String(n), n] as const);
const OFFICIAL: (readonly [string, string, number])[] = [
  ...identity('de-dqr'), ...identity('pt-qnq'), ...identity('be-fl'), ...identity('be-fr'),
  ...identity('lt-ltks'), ...identity('es-mecu'), ...identity('fr-cnp'), ...identity('it-qnq'),
  ['es-meces', '1', 5], ['es-meces', '2', 6], ['es-meces', '3', 7], ['es-meces', '4', 8],
];

t.test('every official referencing in the facts sheet is reproduced, both ways, and called official', async (t) => {
  for (const [fw, code, eqf] of OFFICIAL) {
    const up = recognise({ from: `${fw}:${code}`, to: 'eqf' });
    t.same(up.levels.map((l) => l.ref), [`eqf:${eqf}`], `${fw}:${code} -> eqf`);
    t.equal(up.basis, 'official-referencing', `${fw}:${code} basis`);
    t.equal(up.outcome, 'official');
    t.equal(up.paths[0]!.steps.length, 1);
    const down = recognise({ from: `eqf:${eqf}`, to: fw });
    t.same(down.levels.map((l) => l.ref), [`${fw}:${code}`], `eqf:${eqf} -> ${fw}`);
    t.equal(down.basis, 'official-referencing');
    t.equal(down.paths[0]!.steps[0]!.inverse, true, 'traversed backwards');
  }
});

t.test('official chains between EU frameworks stay official', async (t) => {
  const r = recognise({ from: 'de-dqr:4', to: 'es-mecu' });
  t.same(r.levels.map((l) => l.ref), ['es-mecu:4']);
  t.equal(r.basis, 'official-referencing');
  t.same(r.paths[0]!.steps.map((s) => s.to), ['eqf:4', 'es-mecu:4']);
  t.same(recognise({ from: 'es-meces:1', to: 'fr-cnp' }).levels.map((l) => l.ref), ['fr-cnp:5']);
  t.equal(recognise({ from: 'es-meces:1', to: 'fr-cnp' }).verified, false, 'MECES 1 = EQF 5 rests on a decree not re-read');
});

t.test('MECES is not numbered like the EQF: lower EQF levels have no MECES level', async (t) => {
  for (const n of [1, 2, 3, 4]) t.equal(recognise({ from: `eqf:${n}`, to: 'es-meces' }).outcome, 'none', `eqf:${n}`);
  t.same(recognise({ from: 'eqf:5', to: 'es-meces' }).levels.map((l) => l.ref), ['es-meces:1']);
});

t.test('no level arithmetic: a level of a non-EU framework reaches no EQF, ACQF or EU level by its number', async (t) => {
  const nonEu = ['ma-cnc', 'gh-ntvetqf', 'ng-nsqf', 'ke-knqf', 'sn-cnc'];
  const reached: string[] = [];
  for (const fw of listFrameworks().filter((f) => nonEu.includes(f.id))) {
    for (const level of fw.levels) {
      for (const target of ['eqf', 'acqf', 'es-mecu', 'lt-ltks', 'de-dqr', 'be-fr']) {
        const r = recognise({ from: level.ref, to: target });
        if (r.outcome !== 'none' || r.levels.length > 0) reached.push(`${level.ref} -> ${target}: ${r.outcome} ${r.levels.map((l) => l.ref).join(', ')}`);
      }
    }
  }
  t.same(reached, [], 'no non-EU level reaches a level');
});

t.test('a Moroccan CNC 4 asked as a level: no relation; the qualification types at that level are named instead', async (t) => {
  const r = recognise({ from: 'ma-cnc:4', to: 'eqf', lang: 'en' });
  t.equal(r.outcome, 'none', 'not "eqf:4 official"');
  t.same(r.qualificationTypesAtLevel.map((q) => q.id).sort(), ['ma-baccalaureat', 'ma-betp', 'ma-technicien']);
  t.match(r.explanation, /^No published relation links CNC level 4 \(a national level, not an EQF level\)/);
  const technicien = recognise({ qualificationType: 'ma-technicien', to: 'eqf', lang: 'en' });
  t.same(technicien.levels.map((l) => l.ref), ['eqf:3', 'eqf:4'], 'Nuffic: MBO 3 or 4, by programme');
  t.equal(technicien.outcome, 'indicative');
  t.equal(technicien.basis, 'credential-evaluation-body');
  t.match(technicien.placements[0]!, { by: { name: 'Nuffic', country: 'NL' }, originLevel: { ref: 'ma-cnc:4', national: true } });
  t.match(technicien.placements[0]!.bindsOnly, /binds no authority in another country/);
});

t.test('Kenya KNQF 6 to Lithuania: none, and the next step is SKVC', async (t) => {
  const r = recognise({ from: 'ke-knqf:6', to: 'lt-ltks', lang: 'en' });
  t.equal(r.outcome, 'none');
  t.equal(r.nextSteps[0]!.id, 'lt-skvc');
  t.equal(r.nextSteps[0]!.url, 'https://epe.skvc.lt/en');
  t.match(r.explanation, /Where to apply: Recognition of a foreign qualification for work or study, SKVC/);
});

t.test('Armenia 5-8: indicative (a project self-certification against the QF-EHEA), never official; Armenia 1-4: none', async (t) => {
  const he = recognise({ from: 'am-anqf:7', to: 'de-dqr', lang: 'en' });
  t.equal(he.basis, 'indicative');
  t.equal(he.outcome, 'indicative');
  t.equal(he.verified, false);
  t.match(he.paths[0]!.steps[0]!.source.title, /QF-EHEA/);
  t.match(he.explanation, /from a document no authority adopted/);
  t.equal(recognise({ from: 'am-anqf:3', to: 'de-dqr' }).outcome, 'none');
});

t.test('a language level is not a qualification level: not-comparable, said in words', async (t) => {
  const words: Record<string, RegExp> = { en: /is a language level, not a qualification level/, fr: /est un niveau de langue, pas un niveau de certification/, es: /es un nivel de idioma, no un nivel de cualificación/, ar: /مستوى لغوي وليس مستوى مؤهل/ };
  for (const lang of LANGS) {
    for (const [from, to] of [['cefr:B1', 'eqf'], ['cefr:C2', 'de-dqr'], ['eqf:4', 'cefr']] as const) {
      const r = recognise({ from, to, lang });
      t.equal(r.outcome, 'not-comparable', `${from} -> ${to}`);
      t.equal(r.basis, null);
      t.match(r.explanation, words[lang]!, lang);
    }
  }
});

t.test('no relation gives a clear "none", not an error', async (t) => {
  for (const [from, to] of [['acqf:3', 'eqf'], ['ke-knqf:4', 'eqf'], ['gh-ntvetqf:5', 'acqf']]) {
    const r = recognise({ from: from!, to: to!, lang: 'fr' });
    t.equal(r.outcome, 'none', `${from} -> ${to}`);
    t.same(r.paths, []);
    t.equal(r.basis, null);
    t.match(r.explanation, /^Aucune relation publiée/);
  }
});

t.test('a path never claims a stronger basis than its weakest step (all levels x all frameworks)', async (t) => {
  let checked = 0;
  const counterExamples: string[] = [];
  for (const source of listFrameworks()) {
    for (const level of source.levels) {
      for (const target of listFrameworks()) {
        if (target.id === source.id) continue;
        const r: Recognition = recognise({ from: level.ref, to: target.id });
        const pair = `${level.ref} -> ${target.id}`;
        if (['none', 'not-comparable'].includes(r.outcome) !== (r.levels.length === 0)) counterExamples.push(`${pair}: ${r.outcome} with ${r.levels.length} levels`);
        for (const p of r.paths) {
          const weakest = Math.min(...p.steps.map((s) => STRENGTH[s.basis]));
          if (STRENGTH[p.basis] !== weakest) counterExamples.push(`${pair}: path labelled ${p.basis}`);
          if (STRENGTH[r.basis!] > weakest) counterExamples.push(`${pair}: result labelled ${r.basis}`);
          if (p.steps.at(-1)!.to.split(':')[0] !== target.id) counterExamples.push(`${pair}: path ends outside the target framework`);
          const fws = [p.steps[0]!.from, ...p.steps.map((s) => s.to)].map((ref) => ref.split(':')[0]);
          if (new Set(fws).size !== fws.length) counterExamples.push(`${pair}: revisits a framework`);
        }
        if (r.outcome === 'official' && r.paths.some((p) => p.steps.some((s) => STRENGTH[s.basis] < STRENGTH['bilateral-agreement']))) counterExamples.push(`${pair}: official over a weaker step`);
        checked++;
      }
    }
  }
  t.ok(checked > 2000, `${checked} pairs checked`);
  t.same(counterExamples, [], 'every pair: levels only with an answer, no path stronger than its weakest step, none revisiting a framework');
});

t.test('weakestBasis and composeRelation', async (t) => {
  const step = (basis: Basis) => ({ basis });
  t.equal(weakestBasis([step('official-referencing'), step('indicative')]), 'indicative');
  t.equal(weakestBasis([step('official-referencing'), step('official-comparison')]), 'official-comparison');
  t.equal(weakestBasis([step('credential-evaluation-body'), step('official-referencing')]), 'credential-evaluation-body');
  t.equal(weakestBasis([step('accredited-claim'), step('indicative')]), 'indicative', 'an accredited claim outranks an indirect document');
  t.equal(weakestBasis([step('issuer-claimed'), step('indicative')]), 'issuer-claimed', "the issuer's word is the weakest");
  t.equal(composeRelation(['exact', 'exact']), 'exact');
  t.equal(composeRelation(['close', 'exact']), 'close');
  t.equal(composeRelation(['broader', 'exact']), 'broader');
  t.equal(composeRelation(['broader', 'narrower']), 'close');
});

t.test('broader and narrower relations are said in words, never as "corresponds"', async (t) => {
  const data = structuredClone(readRawData());
  const relations = data.relations.data as any;
  relations.sources['test-broader'] = { title: 'Test referencing stating NSQF 6 spans EQF 6 and 7', url: 'https://example.org', date: '2030', verified: true, statesRelation: true };
  relations.edges.push({ from: 'ng-nsqf:6', to: 'eqf:6', relation: 'broader', basis: 'official-comparison', source: 'test-broader', date: '2030', verified: true });
  relations.edges.push({ from: 'ng-nsqf:6', to: 'eqf:7', relation: 'broader', basis: 'official-comparison', source: 'test-broader', date: '2030', verified: true });
  const reg = buildRegistry(data);
  const r = recognise({ from: 'ng-nsqf:6', to: 'lt-ltks', lang: 'en' }, reg);
  t.same(r.levels.map((l) => l.ref), ['lt-ltks:6', 'lt-ltks:7']);
  t.equal(r.relation, 'broader');
  t.equal(r.relationText, 'covers more than');
  t.match(r.explanation, /covers more than LTQF level 6 or LTQF level 7/);
  t.notMatch(r.explanation, /correspond/);
  const back = recognise({ from: 'eqf:7', to: 'ng-nsqf', lang: 'fr' }, reg);
  t.equal(back.relation, 'narrower');
  t.match(back.explanation, /couvre une partie de/);
});

t.test('explanations: the answer first, then on whose word, then where to apply; no ids, no URLs', async (t) => {
  const leads: Record<string, RegExp> = { en: /^Indicative, not official: /, fr: /^Indicatif, non officiel : /, es: /^Indicativo, no oficial: /, ar: /^إرشادي وغير رسمي: / };
  for (const lang of LANGS) {
    const r = recognise({ qualificationType: 'gh-hnd', to: 'de-dqr', lang });
    t.equal(r.lang, lang);
    t.match(r.explanation, leads[lang]!, `${lang} leads with the answer`);
    t.match(r.explanation, /Nuffic/, `${lang} says on whose word`);
    t.notMatch(r.explanation, /\b[a-z]+(-[a-z]+)*:[0-9A-Za-z]+\b(?!\/)/, `${lang} shows no level ids`);
    t.notMatch(r.explanation, /https?:|qualification-type:|gh-hnd/, `${lang} shows no URLs or ids`);
    t.ok(r.sources.every((s) => s.url && s.date), `${lang} sources are a list with URL and date`);
    t.ok(r.nextSteps.length > 0 && r.nextSteps.every((n) => n.url.startsWith('http')), `${lang} ends with where to apply`);
    t.equal(r.outcomeText.length > 0 && r.basisText!.length > 0, true);
  }
  const ar = recognise({ qualificationType: 'gh-hnd', to: 'de-dqr', lang: 'ar' }).explanation;
  t.match(ar, /\u2068[^\u2069]*Higher National Diploma[^\u2069]*\u2069/, 'Latin runs isolated in Arabic');
  t.notMatch(recognise({ qualificationType: 'gh-hnd', to: 'de-dqr', lang: 'en' }).explanation, /[\u2068\u2069]/, 'no isolates outside Arabic');
});

t.test('unsupported language falls back to English and says so', async (t) => {
  const r = recognise({ from: 'de-dqr:4', to: 'eqf', lang: 'de' });
  t.equal(r.lang, 'en');
  t.equal(r.requestedLang, 'de');
  t.match(r.explanation, /^Language 'de' is not supported; answering in English\./);
});

t.test('unknown framework, level or type, malformed reference, same framework, nothing named: errors with codes', async (t) => {
  t.throws(() => recognise({ from: 'ma-cnc:5', to: 'xx' }), { code: 'unknown-framework', status: 404, detail: /Known frameworks: .*es-mecu/ });
  t.throws(() => recognise({ from: 'zz:5', to: 'eqf' }), { code: 'unknown-framework' });
  t.throws(() => recognise({ from: 'ma-cnc:9', to: 'eqf' }), { code: 'unknown-level', status: 404, detail: /Its levels: 1, 2, 3, 4, 5, 6, 7, 8/ });
  t.throws(() => recognise({ from: 'ma-cnc', to: 'eqf' }), { code: 'invalid-level-ref', status: 400 });
  t.throws(() => recognise({ from: 'eqf:4', to: 'eqf' }), { code: 'same-framework', status: 400 });
  t.throws(() => recognise({ qualificationType: 'xx-diploma', to: 'eqf' }), { code: 'unknown-qualification-type', status: 404, detail: /ma-technicien-specialise/ });
  t.throws(() => recognise({ to: 'eqf' }), { code: 'missing-recognition-origin', status: 400 });
});

t.test('the issuer\'s claim is its own basis: issuer-claimed, or accredited-claim naming the authority', async (t) => {
  const claimed = recognise({ claims: [{ level: 'eqf:3' }], to: 'es-mecu', lang: 'en' });
  t.equal(claimed.outcome, 'issuer-claimed');
  t.equal(claimed.basis, 'issuer-claimed');
  t.same(claimed.paths[0]!.steps.map((s) => s.basis), ['issuer-claimed', 'official-referencing']);
  t.match(claimed.explanation, /^Only the issuer's word: this credential is at the same level as MECU level 3/);
  t.match(claimed.explanation, /stated by the issuer; no published source confirms it/);
  const accredited = recognise({ claims: [{ level: 'eqf:3', accreditedBy: { id: 'did:web:incual.example', name: 'INCUAL' } }], to: 'es-mecu', lang: 'en' });
  t.equal(accredited.basis, 'accredited-claim');
  t.equal(accredited.outcome, 'issuer-claimed', 'still the issuer\'s word, strengthened');
  t.match(accredited.paths[0]!.steps[0]!, { accreditedBy: { name: 'INCUAL' } });
  t.match(accredited.explanation, /stated by the issuer, which INCUAL accredits for this level/);
  const withType = recognise({ claims: [{ level: 'ma-cnc:5' }], qualificationType: 'ma-technicien-specialise', to: 'es-mecu' });
  t.equal(withType.basis, 'credential-evaluation-body', 'a published placement outranks the issuer\'s word');
});

t.test('a bilateral agreement that establishes equivalence adds edges binding only its parties', async (t) => {
  const data = structuredClone(readRawData());
  const agreements = (data.agreements.data as any).agreements;
  agreements.push({
    id: 'test-equivalence', title: { en: 'Test agreement', fr: 'Accord de test' }, kind: 'test', origin: ['MA'], destination: 'ES',
    status: 'in-force', date: '2030', verified: false, establishesLevelEquivalence: true, summary: { en: 'x', fr: 'x' },
    levelEdges: [{ from: 'ma-cnc:4', to: 'es-mecu:4', relation: 'exact', basis: 'bilateral-agreement', source: { title: 'Test source', url: 'https://example.org', verified: false }, date: '2030', verified: false }],
    occupations: [], sources: [{ title: 'Test source', url: 'https://example.org', verified: false }],
  });
  const reg = buildRegistry(data);
  const r = recognise({ from: 'ma-cnc:4', to: 'es-mecu' }, reg);
  t.equal(r.basis, 'bilateral-agreement');
  t.equal(r.outcome, 'official');
  t.equal(r.paths[0]!.steps.length, 1);
  t.match(r.explanation, /an agreement between the countries concerned/);
  t.equal(recognise({ from: 'ma-cnc:4', to: 'de-dqr' }, reg).outcome, 'none', 'Germany unaffected');
});
