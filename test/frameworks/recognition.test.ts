import t from 'tap';
import { BASIS_STRENGTH as STRENGTH, recognise, weakestBasis, type Recognition } from '../../src/frameworks/recognition.js';
import { buildRegistry, listEdges, listFrameworks, readRawData } from '../../src/frameworks/registry.js';
import type { Basis } from '../../src/frameworks/types.js';

const LANGS = ['en', 'fr', 'es', 'ar'];

/** Official referencings from the facts sheet (section 1), written out here independently of the data files. */
const identity = (fw: string) => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [fw, String(n), n] as const);
const OFFICIAL: (readonly [string, string, number])[] = [
  ...identity('de-dqr'), ...identity('pt-qnq'), ...identity('be-fl'), ...identity('be-fr'),
  ...identity('lt-ltks'), ...identity('es-mecu'), ...identity('fr-cnp'), ...identity('it-qnq'),
  ['es-meces', '1', 5], ['es-meces', '2', 6], ['es-meces', '3', 7], ['es-meces', '4', 8],
];

t.test('every official referencing in the facts sheet is reproduced, both ways', async (t) => {
  for (const [fw, code, eqf] of OFFICIAL) {
    const up = recognise({ from: `${fw}:${code}`, to: 'eqf' });
    t.same(up.levels.map((l) => l.ref), [`eqf:${eqf}`], `${fw}:${code} -> eqf`);
    t.equal(up.basis, 'official-referencing', `${fw}:${code} basis`);
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
  t.equal(recognise({ from: 'es-meces:1', to: 'fr-cnp' }).verified, false, 'MECES 1 = EQF 5 rests on an unverified decree');
});

t.test('MECES is not numbered like the EQF: lower EQF levels have no MECES level', async (t) => {
  for (const n of [1, 2, 3, 4]) t.equal(recognise({ from: `eqf:${n}`, to: 'es-meces' }).outcome, 'none', `eqf:${n}`);
  t.same(recognise({ from: 'eqf:5', to: 'es-meces' }).levels.map((l) => l.ref), ['es-meces:1']);
});

t.test('every indicative relation comes back labelled indicative, with its source', async (t) => {
  for (const edge of listEdges().filter((e) => e.basis === 'indicative')) {
    const target = edge.to.split(':')[0]!;
    const r = recognise({ from: edge.from, to: target });
    t.ok(r.levels.some((l) => l.ref === edge.to), `${edge.from} -> ${edge.to} found`);
    t.equal(r.basis, 'indicative', `${edge.from} -> ${target} labelled indicative`);
    const step = r.paths.flatMap((p) => p.steps).find((s) => s.to === edge.to)!;
    t.equal(step.source.title, edge.source.title, 'carries its source');
    t.ok(step.source.url ?? step.source.reference);
    t.match(r.explanation, /indicative correspondence, not official/);
  }
});

t.test('MA-CNC 5 (Technicien spécialisé) to Spain, Germany and both Belgian frameworks: indicative, with sources', async (t) => {
  for (const [to, expected] of [['es-mecu', 'es-mecu:5'], ['de-dqr', 'de-dqr:5'], ['be-fl', 'be-fl:5'], ['be-fr', 'be-fr:5']] as const) {
    const r = recognise({ from: 'ma-cnc:5', to, lang: 'fr' });
    t.equal(r.outcome, 'recognised', to);
    t.same(r.levels.map((l) => l.ref), [expected]);
    t.equal(r.basis, 'indicative');
    t.same(r.paths[0]!.steps.map((s) => s.basis), ['indicative', 'official-referencing']);
    t.ok(r.paths[0]!.steps.every((s) => s.source.title && s.source.url), 'every step has a source');
    t.match(r.explanation, /correspondance indicative, non officielle/);
    t.match(r.explanation, /ETF NQF inventory Morocco/);
  }
  const es = recognise({ from: 'ma-cnc:5', to: 'es-mecu' });
  t.same(es.agreements.map((a) => [a.id, a.establishesLevelEquivalence, a.occupations]), [['es-ma-gecco', false, ['9211']]]);
  t.same(recognise({ from: 'ma-cnc:5', to: 'de-dqr' }).agreements.map((a) => a.id), ['de-bqfg-anerkennung']);
});

t.test('a relation landing on several levels lists them all (Nigeria six levels)', async (t) => {
  const r = recognise({ from: 'ng-nsqf:6', to: 'eqf' });
  t.same(r.levels.map((l) => l.ref), ['eqf:6', 'eqf:7']);
  t.same(r.paths.map((p) => p.steps[0]!.relation), ['broader', 'broader']);
  const back = recognise({ from: 'eqf:7', to: 'ng-nsqf' });
  t.same(back.levels.map((l) => l.ref), ['ng-nsqf:6']);
  t.equal(back.paths[0]!.steps[0]!.relation, 'narrower', 'inverse of broader');
  t.same(recognise({ from: 'ng-nsqf:6', to: 'pt-qnq' }).levels.map((l) => l.ref), ['pt-qnq:6', 'pt-qnq:7']);
});

t.test('Armenia: higher education is an official comparison, VET is indicative', async (t) => {
  t.equal(recognise({ from: 'am-anqf:7', to: 'de-dqr' }).basis, 'official-comparison');
  t.equal(recognise({ from: 'am-anqf:3', to: 'de-dqr' }).basis, 'indicative');
});

t.test('no relation gives a clear "none", not an error', async (t) => {
  for (const [from, to] of [['cefr:B1', 'eqf'], ['cefr:C2', 'de-dqr'], ['eqf:4', 'cefr'], ['acqf:3', 'eqf'], ['ke-knqf:4', 'eqf'], ['gh-ntvetqf:5', 'acqf']]) {
    const r = recognise({ from: from!, to: to!, lang: 'fr' });
    t.equal(r.outcome, 'none', `${from} -> ${to}`);
    t.same(r.levels, []);
    t.same(r.paths, []);
    t.equal(r.basis, null);
    t.match(r.explanation, /Aucune relation connue/);
  }
});

t.test('a path never claims a stronger basis than its weakest edge (all levels x all frameworks)', async (t) => {
  let checked = 0;
  for (const source of listFrameworks()) {
    for (const level of source.levels) {
      for (const target of listFrameworks()) {
        if (target.id === source.id) continue;
        const r: Recognition = recognise({ from: level.ref, to: target.id });
        t.equal(r.outcome === 'none', r.levels.length === 0);
        for (const p of r.paths) {
          const weakest = Math.min(...p.steps.map((s) => STRENGTH[s.basis]));
          if (STRENGTH[p.basis] !== weakest) t.fail(`${level.ref} -> ${target.id}: path labelled ${p.basis}`);
          if (STRENGTH[r.basis!] > weakest) t.fail(`${level.ref} -> ${target.id}: result labelled ${r.basis}`);
          if (p.steps.at(-1)!.to.split(':')[0] !== target.id) t.fail('path ends outside the target framework');
          const fws = [p.steps[0]!.from, ...p.steps.map((s) => s.to)].map((ref) => ref.split(':')[0]);
          if (new Set(fws).size !== fws.length) t.fail(`${level.ref} -> ${target.id}: revisits a framework`);
        }
        checked++;
      }
    }
  }
  t.ok(checked > 2000, `${checked} pairs checked`);
});

t.test('weakestBasis', async (t) => {
  const step = (basis: Basis) => ({ from: 'a:1', to: 'b:1', relation: 'exact' as const, basis, source: { title: 's', url: null, verified: false }, date: '2020', verified: true, inverse: false });
  t.equal(weakestBasis([step('official-referencing'), step('indicative')]), 'indicative');
  t.equal(weakestBasis([step('official-referencing'), step('official-comparison')]), 'official-comparison');
  t.equal(weakestBasis([step('bilateral-agreement'), step('official-referencing')]), 'bilateral-agreement');
});

t.test('explanations exist in every supported language and name basis and sources', async (t) => {
  const basisWords: Record<string, RegExp> = { en: /indicative correspondence, not official/, fr: /correspondance indicative, non officielle/, es: /correspondencia indicativa, no oficial/, ar: /مطابقة استرشادية غير رسمية/ };
  for (const lang of LANGS) {
    const r = recognise({ from: 'ma-cnc:4', to: 'es-mecu', lang });
    t.equal(r.lang, lang);
    t.match(r.explanation, basisWords[lang]!, `${lang} names the basis`);
    t.match(r.explanation, /openspace\.etf\.europa\.eu/, `${lang} names the sources`);
    t.match(r.explanation, /ma-cnc:4 → eqf:4 → es-mecu:4/, `${lang} shows the path`);
    const none = recognise({ from: 'cefr:A2', to: 'eqf', lang });
    t.ok(none.explanation.length > 40, `${lang} explains none`);
    const official = recognise({ from: 'de-dqr:6', to: 'fr-cnp', lang });
    t.notMatch(official.explanation, basisWords[lang]!, `${lang} official path is not called indicative`);
  }
  t.match(recognise({ from: 'ma-cnc:4', to: 'es-mecu', lang: 'ar' }).explanation, /المستوى 4/, 'Moroccan level title in Arabic');
});

t.test('unsupported language falls back to English and says so', async (t) => {
  const r = recognise({ from: 'de-dqr:4', to: 'eqf', lang: 'de' });
  t.equal(r.lang, 'en');
  t.equal(r.requestedLang, 'de');
  t.match(r.explanation, /^Language 'de' is not supported; answering in English\./);
});

t.test('unknown framework, unknown level, malformed reference and same framework are errors with codes', async (t) => {
  t.throws(() => recognise({ from: 'ma-cnc:5', to: 'xx' }), { code: 'unknown-framework', status: 404, detail: /Known frameworks: .*es-mecu/ });
  t.throws(() => recognise({ from: 'zz:5', to: 'eqf' }), { code: 'unknown-framework' });
  t.throws(() => recognise({ from: 'ma-cnc:9', to: 'eqf' }), { code: 'unknown-level', status: 404, detail: /Its levels: 1, 2, 3, 4, 5, 6, 7, 8/ });
  t.throws(() => recognise({ from: 'ma-cnc', to: 'eqf' }), { code: 'invalid-level-ref', status: 400 });
  t.throws(() => recognise({ from: 'eqf:4', to: 'eqf' }), { code: 'same-framework', status: 400 });
});

t.test('a bilateral agreement that establishes equivalence adds edges and outranks indicative ones', async (t) => {
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
  t.equal(r.paths.length, 1);
  t.equal(r.paths[0]!.steps.length, 1);
  t.match(r.explanation, /bilateral agreement/);
  t.equal(recognise({ from: 'ma-cnc:4', to: 'de-dqr' }, reg).basis, 'indicative', 'Germany unaffected');
});
