import t from 'tap';
import { recognise } from '../../src/frameworks/recognition.js';
import { buildRegistry, readRawData, type RawData } from '../../src/frameworks/registry.js';
import { problemThrownBy } from '../helpers/problems.js';

// How the recognition engine chooses among paths of stored edges, and what its answer says about them, on the real
// data with test edges added. Test edges cite a test source: only the rule under test decides the answer.

const RAW = readRawData();

const TEST_SOURCE = {
  title: 'Test comparison report', titleOriginal: 'Rapport de comparaison de test',
  titleTranslated: { fr: 'Rapport de comparaison (test)', es: 'Test comparison report' },
  url: 'https://example.org/comparison', reference: 'Test decree 1/2030', date: '2030-01-01', dateKind: 'published',
  verified: true, statesRelation: true, checked: 're-checked',
};

type TestEdge = { from: string; to: string; relation?: string; basis?: string; verified?: boolean };

/** The real registry with `edges` added (an adopted official comparison, exact, verified, unless said otherwise). */
function registryWith(edges: TestEdge[], change: (data: RawData) => void = () => {}) {
  const data = structuredClone(RAW);
  const relations = data.relations.data as { sources: Record<string, unknown>; edges: unknown[] };
  relations.sources['test-source'] = TEST_SOURCE;
  relations.edges.push(...edges.map((edge) => ({ relation: 'exact', basis: 'official-comparison', source: 'test-source', date: '2030', verified: true, ...edge })));
  change(data);
  return buildRegistry(data);
}

t.test('a chain of stored edges is followed up to four steps, never five', async (t) => {
  const chain = ['ng-nsqf:3', 'ke-knqf:3', 'gh-ntvetqf:3', 'ma-cnc:3', 'am-anqf:3', 'sn-cnc:cap'];
  const reg = registryWith(chain.slice(1).map((to, i) => ({ from: chain[i]!, to })));
  const fourSteps = recognise({ from: 'ng-nsqf:3', to: 'am-anqf' }, reg);
  t.same(fourSteps.levels.map((l) => l.ref), ['am-anqf:3']);
  t.same(fourSteps.paths[0]!.steps.map((s) => s.to), chain.slice(1, 5));
  t.equal(recognise({ from: 'ke-knqf:3', to: 'sn-cnc' }, reg).outcome, 'official', 'four steps from the second link');
  const fiveSteps = recognise({ from: 'ng-nsqf:3', to: 'sn-cnc' }, reg);
  t.equal(fiveSteps.outcome, 'none', 'five steps only add doubt');
  t.same(fiveSteps.paths, []);
});

t.test('both official kinds rank equally: the shorter path wins, and its basis is the one stated', async (t) => {
  const reg = registryWith([{ from: 'de-dqr:4', to: 'es-mecu:4' }]);
  const r = recognise({ from: 'de-dqr:4', to: 'es-mecu', lang: 'en' }, reg);
  t.equal(r.paths.length, 1, 'the two-step path through the EQF is not kept beside it');
  t.same(r.paths[0]!.steps.map((s) => [s.to, s.basis]), [['es-mecu:4', 'official-comparison']]);
  t.equal(r.basis, 'official-comparison');
  t.equal(r.outcome, 'official');
  t.equal(r.basisText, 'official comparison: an adopted comparison or self-certification report');
  t.match(r.explanation, /^Official: DQR level 4 is at the same level as MECU level 4 \(/);
  t.match(r.explanation, /On whose word: DQR level 4 to MECU level 4: an adopted official comparison\./);
});

t.test('a weaker basis loses to a stronger one even over a longer path', async (t) => {
  const reg = registryWith([{ from: 'de-dqr:4', to: 'es-mecu:5', basis: 'indicative', relation: 'close' }]);
  const r = recognise({ from: 'de-dqr:4', to: 'es-mecu' }, reg);
  t.same(r.levels.map((l) => l.ref), ['es-mecu:4']);
  t.equal(r.basis, 'official-referencing');
});

t.test('an edge followed backwards inverts broader and narrower, and keeps exact and close', async (t) => {
  const reg = registryWith([
    { from: 'ng-nsqf:2', to: 'ke-knqf:2', relation: 'close' },
    { from: 'ng-nsqf:4', to: 'ke-knqf:5', relation: 'broader' },
  ]);
  const close = recognise({ from: 'ke-knqf:2', to: 'ng-nsqf', lang: 'en' }, reg);
  t.same(close.paths[0]!.steps.map((s) => [s.relation, s.inverse]), [['close', true]]);
  t.equal(close.relation, 'close');
  t.equal(close.relationText, 'is close to');
  const narrower = recognise({ from: 'ke-knqf:5', to: 'ng-nsqf' }, reg);
  t.same(narrower.paths[0]!.steps.map((s) => [s.relation, s.inverse]), [['narrower', true]]);
  const forwards = recognise({ from: 'ng-nsqf:4', to: 'ke-knqf' }, reg);
  t.same(forwards.paths[0]!.steps.map((s) => [s.relation, s.inverse]), [['broader', false]]);
});

t.test('several target levels: listed in the framework\'s order, with their paths; disagreeing relations give none', async (t) => {
  // Stored in reverse order, so that only sorting puts level 6 first.
  const reg = registryWith([
    { from: 'ng-nsqf:6', to: 'eqf:7', relation: 'broader' },
    { from: 'ng-nsqf:6', to: 'eqf:6', relation: 'exact' },
  ]);
  const r = recognise({ from: 'ng-nsqf:6', to: 'eqf', lang: 'en' }, reg);
  t.same(r.levels.map((l) => l.ref), ['eqf:6', 'eqf:7']);
  t.same(r.paths.map((p) => [p.steps.at(-1)!.to, p.relation]), [['eqf:6', 'exact'], ['eqf:7', 'broader']]);
  t.equal(r.relation, null, 'exact on one path, broader on the other');
  t.equal(r.relationText, null);
  t.match(r.explanation, /^Official: NSQF level 6: Professional and senior management \(a national level, not an EQF level\) is close to EQF level 6 or EQF level 7 \(/);
  t.match(r.explanation, /Several levels: which one depends on the programme or the grades\./);
  t.match(r.explanation, /On whose word: NSQF level 6: Professional and senior management to EQF level 6 or EQF level 7: an adopted official comparison\./, 'one sentence for both alternatives');
});

t.test('the answer\'s sources: each once, with the fields the data gives, the title translated where it differs', async (t) => {
  const reg = registryWith([{ from: 'ng-nsqf:6', to: 'eqf:7' }, { from: 'ng-nsqf:5', to: 'eqf:6' }]);
  const fr = recognise({ from: 'ng-nsqf:6', to: 'eqf', lang: 'fr' }, reg);
  const testSources = fr.sources.filter((s) => s.url === TEST_SOURCE.url);
  t.same(testSources, [{
    title: 'Test comparison report', titleOriginal: 'Rapport de comparaison de test',
    titleTranslated: TEST_SOURCE.titleTranslated, translatedTitle: 'Rapport de comparaison (test)',
    url: 'https://example.org/comparison', reference: 'Test decree 1/2030', date: '2030-01-01', dateKind: 'published',
    verified: true, checked: 're-checked',
  }]);
  t.same(fr.paths[0]!.steps[0]!.source, testSources[0], 'the step cites the same source');
  const es = recognise({ from: 'ng-nsqf:6', to: 'eqf', lang: 'es' }, reg);
  t.notOk('translatedTitle' in es.sources[0]!, 'a translation equal to the title is not repeated');
  const en = recognise({ from: 'ng-nsqf:6', to: 'eqf', lang: 'en' }, reg);
  t.notOk('translatedTitle' in en.sources[0]!, 'no translation in English');
  const bare = registryWith([{ from: 'ng-nsqf:6', to: 'eqf:7' }], (data) => {
    (data.relations.data as { sources: Record<string, unknown> }).sources['test-source'] = { title: 'Bare source', url: 'https://example.org/bare', verified: false };
  });
  t.same(recognise({ from: 'ng-nsqf:6', to: 'eqf' }, bare).sources, [{ title: 'Bare source', url: 'https://example.org/bare', verified: false }], 'no empty fields');
});

t.test('a bilateral agreement binds its parties only: not a framework without a country', async (t) => {
  const reg = registryWith([], (data) => {
    (data.agreements.data as { agreements: unknown[] }).agreements.push({
      id: 'test-equivalence', title: { en: 'Test agreement', fr: 'Accord de test' }, kind: 'test', origin: ['MA'], destination: 'ES',
      status: 'in-force', date: '2030', verified: true, establishesLevelEquivalence: true, summary: { en: 'x', fr: 'x' },
      levelEdges: [{ from: 'ma-cnc:4', to: 'es-mecu:4', relation: 'exact', basis: 'bilateral-agreement', source: { title: 'Test source', url: 'https://example.org', verified: true }, date: '2030', verified: true }],
      occupations: [], sources: [{ title: 'Test source', url: 'https://example.org', verified: true }],
    });
  });
  const spain = recognise({ from: 'ma-cnc:4', to: 'es-mecu' }, reg);
  t.same(spain.paths[0]!.steps[0]!.parties, ['MA', 'ES']);
  t.same(spain.qualificationTypesAtLevel, [], 'a level with an answer needs no qualification types instead');
  t.same(spain.agreements.find((a) => a.id === 'test-equivalence'), { id: 'test-equivalence', title: 'Test agreement', establishesLevelEquivalence: true, occupations: [] });
  const eqf = recognise({ from: 'ma-cnc:4', to: 'eqf' }, reg);
  t.equal(eqf.outcome, 'none', 'Morocco and Spain agreed nothing about the EQF');
  const back = recognise({ from: 'es-mecu:4', to: 'ma-cnc' }, reg);
  t.same(back.levels.map((l) => l.ref), ['ma-cnc:4'], 'both parties, either direction');
});

t.test('agreements concerning the two countries are named, either direction, and none for a framework without a country', async (t) => {
  const toSpain = recognise({ from: 'ma-cnc:4', to: 'es-mecu', lang: 'en' });
  t.ok(toSpain.agreements.some((a) => a.id === 'es-ma-gecco'), 'Morocco to Spain');
  t.match(toSpain.explanation, /Spain: collective management of hiring in countries of origin \(GECCO\), Morocco seasonal agricultural scheme: concerns these countries but does not establish level equivalence\./);
  t.ok(recognise({ from: 'es-mecu:4', to: 'ma-cnc' }).agreements.some((a) => a.id === 'es-ma-gecco'), 'Spain to Morocco');
  t.notOk(recognise({ from: 'ke-knqf:4', to: 'es-mecu' }).agreements.some((a) => a.id === 'es-ma-gecco'), 'not Kenya to Spain');
  t.same(recognise({ from: 'ma-cnc:4', to: 'eqf' }).agreements, [], 'the EQF has no country');
  const anyOrigin = RAW.agreements.data as { agreements: Array<{ id: string; origin: unknown; destination: string }> };
  const open = anyOrigin.agreements.find((a) => a.origin === 'any')!;
  const destination = open.destination === 'DE' ? 'de-dqr' : open.destination;
  t.ok(recognise({ from: 'ke-knqf:4', to: destination }).agreements.some((a) => a.id === open.id), `${open.id} is open to any origin`);
});

t.test('where to apply: a national destination without a recorded procedure says so; the EQF needs none', async (t) => {
  const noProcedure = registryWith([], (data) => {
    const procedures = data.procedures.data as { jurisdictions: Array<{ id: string }> };
    procedures.jurisdictions = procedures.jurisdictions.filter((j) => j.id !== 'LT');
  });
  const r = recognise({ from: 'ke-knqf:6', to: 'lt-ltks', lang: 'en' }, noProcedure);
  t.same(r.nextSteps, []);
  t.equal(r.nextStepsNote, null);
  t.match(r.explanation, /No recognition procedure is recorded here for this destination\.$/);
  const eqf = recognise({ from: 'ke-knqf:6', to: 'eqf', lang: 'en' });
  t.same(eqf.nextSteps, []);
  t.notMatch(eqf.explanation, /No recognition procedure/);
  const lithuania = recognise({ from: 'ke-knqf:6', to: 'lt-ltks', lang: 'en' });
  t.equal(lithuania.nextStepsNote, 'For a regulated profession the competent authority of that profession decides; no list was checked.');
  t.same(lithuania.nextSteps.map((n) => [n.id, n.reason]), [['lt-skvc', 'general route'], ['lt-vet-institutions', 'general route']], 'no kind known: every general route');
  t.same(lithuania.sources.map((s) => s.url), lithuania.nextSteps.flatMap((n) => n.sources.map((s) => s.url)), 'the sources are the procedures\'');
});

t.test('the issuer\'s claims: a language level among them is left out, the credential is the origin, and no source is listed for it', async (t) => {
  const r = recognise({ claims: [{ level: 'cefr:B1' }, { level: 'eqf:3' }], credentialLabel: 'Maçon qualifié', to: 'es-mecu', lang: 'en' });
  t.equal(r.from, 'credential');
  t.same(r.origin, { level: null, qualificationType: null });
  t.same(r.paths.map((p) => p.steps.map((s) => s.from)), [['credential', 'eqf:3']]);
  t.match(r.explanation, /^Only the issuer's word: Maçon qualifié is at the same level as MECU level 3 \(/);
  t.notOk(r.sources.some((s) => s.title === 'The credential itself, signed by its issuer'), 'the credential is not a published source');
  t.same(r.paths[0]!.steps[0]!.source, { title: 'The credential itself, signed by its issuer', url: null, verified: false });
  t.equal(r.verified, false, 'the claim step is never verified');
  const onlyLanguage = recognise({ claims: [{ level: 'cefr:B1' }], to: 'es-mecu' });
  t.equal(onlyLanguage.outcome, 'not-comparable');
  t.equal(recognise({ claims: [{ level: 'eqf:3' }], to: 'es-mecu', lang: 'en' }).explanation.startsWith('Only the issuer\'s word: this credential '), true, 'unnamed: "this credential"');
});

t.test('no answer: verified and basis are null, not false', async (t) => {
  const r = recognise({ from: 'ke-knqf:4', to: 'eqf' });
  t.equal(r.verified, null);
  t.equal(r.basisText, null);
  t.equal(r.outcomeText, 'no published relation');
});

t.test('an answer for a qualification type names the type, its kind and its placements as the data states them', async (t) => {
  const r = recognise({ qualificationType: 'ma-technicien', to: 'eqf', lang: 'en' });
  const placements = (RAW.placements.data as { placements: Array<{ id: string; qualificationType: string; to: string[]; relation: string }> }).placements
    .filter((p) => p.qualificationType === 'ma-technicien');
  t.equal(r.from, 'qualification-type:ma-technicien');
  t.match(r.origin.qualificationType, { id: 'ma-technicien', originalName: 'Diplôme de Technicien', kind: 'vocational', kindText: 'vocational qualification' });
  t.same(r.placements.map((p) => [p.id, p.levels.map((l) => l.ref), p.relation]), placements.map((p) => [p.id, p.to, p.relation]));
  t.equal(r.placements[0]!.derived, false);
  t.equal(r.placements[0]!.relationText, 'is close to');
  t.equal(r.placements[0]!.text, 'Nuffic, the Dutch ENIC-NARIC centre (Netherlands) places Diplôme de Technicien (Morocco) at EQF level 3 or EQF level 4: comparable to an MBO diploma, qualification level 3 or 4, depending on the programme.');
  t.same(r.paths.map((p) => p.steps[0]!.from), ['qualification-type:ma-technicien', 'qualification-type:ma-technicien']);
  t.ok(r.sources.some((s) => s.url === r.paths[0]!.steps[0]!.source.url), 'the placement\'s source is listed');
});

t.test('where to apply: the regulated route for a regulated occupation, then the routes for each kind, each once', async (t) => {
  const NURSE = 'http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50';
  const steps = (input: Parameters<typeof recognise>[0]) => recognise({ lang: 'en', ...input }).nextSteps.map((n) => [n.id, n.reason]);
  t.same(steps({ qualificationType: 'gh-hnd', to: 'es-mecu', occupations: [NURSE] }), [
    ['es-university-homologacion', 'regulated occupation: nurse responsible for general care'],
    ['es-university-equivalencia', 'higher-education qualification'],
    ['es-fp-homologacion', 'vocational qualification'],
  ], 'higher education and vocational, main kind first');
  t.same(steps({ qualificationType: 'ma-technicien', to: 'es-mecu', occupations: [NURSE] }), [['es-fp-homologacion', 'vocational qualification']],
    'the regulated route in Spain is for higher-education qualifications only');
  t.same(steps({ from: 'ke-knqf:6', to: 'de-dqr', occupations: [NURSE] }), [
    ['de-regulated', 'regulated occupation: nurse responsible for general care'],
    ['de-ihk-fosa', 'general route'], ['de-hwk', 'general route'], ['de-zab', 'general route'],
  ], 'no kind known: every general route after the regulated one');
  t.same(steps({ qualificationType: 'ma-betp', to: 'lt-ltks' }), [['lt-skvc', 'school qualification'], ['lt-vet-institutions', 'vocational qualification']],
    'a route serving two kinds is given once');
  t.same(steps({ qualificationType: 'sn-bts', to: 'be-fr', occupations: ['http://data.europa.eu/esco/occupation/not-regulated'] }), [['be-fr-equisup-level', 'higher-education qualification']]);
  const ke = recognise({ qualificationType: 'ke-tvet-diploma', to: 'eqf', lang: 'en' });
  t.equal(ke.placements[0]!.originLevel, null, 'a type with no national level');
});

t.test('values put into a sentence are isolated when they carry direction controls, and in Arabic when they are Latin', async (t) => {
  const override = 'Centre \u202Eevil\u202C \u2066x\u2069';
  const en = recognise({ claims: [{ level: 'eqf:3' }], credentialLabel: override, to: 'es-mecu', lang: 'en' }).explanation;
  t.ok(en.startsWith('Only the issuer\'s word: \u2068Centre \u202Eevil\u202C x\u2069 is at the same level as MECU level 3'), 'isolated, its own isolates removed');
  const ar = recognise({ claims: [{ level: 'eqf:3' }], credentialLabel: 'Maçon', to: 'es-mecu', lang: 'ar' }).explanation;
  t.ok(ar.includes('\u2068Maçon\u2069'), 'a Latin label isolated in Arabic');
  t.notOk(ar.includes('\u2068\u2068'), 'the composed steps sentence is not isolated again');
  t.notOk(recognise({ claims: [{ level: 'eqf:3' }], credentialLabel: 'Maçon', to: 'es-mecu', lang: 'fr' }).explanation.includes('\u2068'), 'nothing isolated in French');
});

t.test('a country\'s own law open to any origin concerns arrivals there, not departures', async (t) => {
  const ids = (from: string, to: string) => recognise({ from, to }).agreements.map((a) => a.id);
  t.ok(ids('am-anqf:7', 'de-dqr').includes('de-bqfg-anerkennung'), 'Armenia to Germany: the German recognition law');
  t.notOk(ids('de-dqr:4', 'es-mecu').includes('de-bqfg-anerkennung'), 'Germany to Spain: not the German law');
  t.ok(ids('es-mecu:4', 'ma-cnc').includes('es-ma-gecco'), 'an agreement naming Morocco concerns the way back too');
});

t.test('the explanation, word for word: the answer, on whose word, what is not verified, agreements, where to apply', async (t) => {
  const explanation = (input: Parameters<typeof recognise>[0]) => recognise({ lang: 'en', ...input }).explanation;
  const ZAB = 'Where to apply: Statement of comparability (Zeugnisbewertung) of a completed foreign higher-education degree, the Central Office for Foreign Education (ZAB) of the Standing Conference of Education Ministers.';
  const SPAIN_VET = 'Where to apply: Homologation of a foreign vocational qualification to a Spanish vocational title, Spanish Ministry of Education, Vocational Training and Sports.';
  const SAME_LEVEL = 'The same level does not mean the same qualification or the same content.';
  t.equal(explanation({ qualificationType: 'gh-hnd', to: 'de-dqr' }), [
    'Indicative, not official: Higher National Diploma (HND) (Ghana) is close to DQR level 5 (German Qualifications Framework for Lifelong Learning (DQR)).',
    'On whose word: Higher National Diploma (HND) (Ghana) to EQF level 5: placed by Nuffic, the Dutch ENIC-NARIC centre (Netherlands), binding only that body.',
    'EQF level 5 to DQR level 5: the country\'s official EQF referencing.', SAME_LEVEL, ZAB,
  ].join(' '), 'a placement, then the official referencing');
  t.equal(explanation({ from: 'ma-cnc:4', to: 'eqf' }), [
    'No published relation links CNC level 4 (a national level, not an EQF level) to the European Qualifications Framework.',
    'A national level is not a qualification; published placements exist for these qualification types at this level: Attestation du Baccalauréat, Baccalauréat d\'Enseignement Technologique et Professionnel (BETP), Diplôme de Technicien. Ask again naming one.',
  ].join(' '), 'none, and the types to ask about; the EQF has no procedure to name');
  t.equal(explanation({ from: 'am-anqf:7', to: 'de-dqr' }), [
    'Indicative, not official: ANQF level 7 (a national level, not an EQF level) is close to DQR level 7 (German Qualifications Framework for Lifelong Learning (DQR)).',
    'On whose word: ANQF level 7 to EQF level 7: indicative, from a document no authority adopted. EQF level 7 to DQR level 7: the country\'s official EQF referencing.',
    'Some facts on this path are not yet verified against a source.', SAME_LEVEL,
    'Germany: recognition of foreign vocational qualifications (BQFG Anerkennung): concerns these countries but does not establish level equivalence.',
    'Where to apply: Equivalence assessment against a German reference occupation (industry, trade, hospitality, services), IHK FOSA, the chambers of industry and commerce\'s recognition centre (Nuremberg).',
  ].join(' '), 'indicative and unverified, with the German law');
  t.equal(explanation({ qualificationType: 'sn-bts', to: 'es-mecu' }), [
    'No published relation links Brevet de Technicien Supérieur (BTS) (Senegal) to the Spanish Qualifications Framework for Lifelong Learning (MECU).',
    'No credential evaluation body has published a placement of Brevet de Technicien Supérieur (BTS) (Senegal).',
    'Where to apply: Declaration of equivalence of a foreign degree to the level of Grado or Máster, Spanish Ministry of Science, Innovation and Universities.',
  ].join(' '), 'a type nobody placed');
  t.equal(explanation({ claims: [{ level: 'eqf:3', accreditedBy: { id: 'did:web:incual.example', name: 'INCUAL' } }], to: 'es-mecu' }), [
    'Only the issuer\'s word: this credential is at the same level as MECU level 3 (Spanish Qualifications Framework for Lifelong Learning (MECU)).',
    'On whose word: this credential to EQF level 3: stated by the issuer, which INCUAL accredits for this level. EQF level 3 to MECU level 3: the country\'s official EQF referencing.',
    'Some facts on this path are not yet verified against a source.', SAME_LEVEL, SPAIN_VET,
  ].join(' '), 'an accredited claim');
  t.equal(explanation({ from: 'de-dqr:4', to: 'es-mecu', lang: 'de' }), [
    'Language \'de\' is not supported; answering in English.',
    'Official: DQR level 4 is at the same level as MECU level 4 (Spanish Qualifications Framework for Lifelong Learning (MECU)).',
    'On whose word: DQR level 4 to EQF level 4: the country\'s official EQF referencing. EQF level 4 to MECU level 4: the country\'s official EQF referencing.',
    SAME_LEVEL, SPAIN_VET,
  ].join(' '), 'a referenced framework\'s level is not called a national level');
  t.equal(explanation({ qualificationType: 'ma-technicien', to: 'es-mecu' }), [
    'Indicative, not official: Diplôme de Technicien (Morocco) is close to MECU level 3 or MECU level 4 (Spanish Qualifications Framework for Lifelong Learning (MECU)).',
    'Several levels: which one depends on the programme or the grades.',
    'On whose word: Diplôme de Technicien (Morocco) to EQF level 3 or EQF level 4: placed by Nuffic, the Dutch ENIC-NARIC centre (Netherlands), binding only that body.',
    'EQF level 3 or EQF level 4 to MECU level 3 or MECU level 4: the country\'s official EQF referencing.', SAME_LEVEL, SPAIN_VET,
  ].join(' '), 'two levels: each position of the paths said once');
});

t.test('the answer\'s origin and steps name what they rest on', async (t) => {
  const level = recognise({ from: 'am-anqf:7', to: 'de-dqr', lang: 'en' });
  t.same(level.origin, { level: { ref: 'am-anqf:7', title: 'ANQF level 7', national: true }, qualificationType: null });
  t.same(level.agreements, [{ id: 'de-bqfg-anerkennung', title: 'Germany: recognition of foreign vocational qualifications (BQFG Anerkennung)', establishesLevelEquivalence: false, occupations: ['7112', '5120', '5141'] }]);
  t.same(level.paths[0]!.steps.map((s) => s.verified), [false, true]);
  t.equal(level.paths[0]!.verified, false);
  t.equal(level.verified, false);
  t.same(recognise({ from: 'eqf:4', to: 'de-dqr' }).origin.level, { ref: 'eqf:4', title: 'EQF level 4', national: false }, 'the EQF is not national');
  const type = recognise({ qualificationType: 'gh-hnd', to: 'de-dqr', lang: 'en' });
  t.same(type.origin.qualificationType, {
    id: 'gh-hnd', originalName: 'Higher National Diploma (HND)', title: 'Ghanaian Higher National Diploma (three years, technical universities and polytechnics)',
    kind: 'higher-education', kindText: 'higher-education qualification',
  });
  t.same(type.paths[0]!.steps.map((s) => s.placement ?? null), ['nuffic-gh-hnd', null], 'the placement a step rests on');
  t.equal(type.verified, true);
  t.match(type.placements[0], { qualificationType: { id: 'gh-hnd', originalName: 'Higher National Diploma (HND)', country: 'GH' }, levels: [{ ref: 'eqf:5', title: 'EQF level 5' }] });
});

t.test('a path visits each framework once: no way back through the start or a framework passed', async (t) => {
  // An official way round through Kenya back into Nigeria would beat the direct indicative edge, were it allowed.
  const reg = registryWith([
    { from: 'ng-nsqf:3', to: 'gh-ntvetqf:3', basis: 'indicative', relation: 'close' },
    { from: 'ng-nsqf:3', to: 'ke-knqf:3' },
    { from: 'ke-knqf:3', to: 'ng-nsqf:4' },
    { from: 'ng-nsqf:4', to: 'gh-ntvetqf:4' },
  ]);
  const r = recognise({ from: 'ng-nsqf:3', to: 'gh-ntvetqf' }, reg);
  t.same(r.levels.map((l) => l.ref), ['gh-ntvetqf:3']);
  t.equal(r.basis, 'indicative');
});

t.test('details of the answer a reader sees', async (t) => {
  t.same(await problemThrownBy(() => recognise({ to: 'eqf' })), { status: 400, code: 'missing-recognition-origin', detail: 'Name what to recognise: a level (from, e.g. ma-cnc:5) or a qualification type (qualificationType, e.g. ma-technicien-specialise; GET /qualification-types lists them)' });
  t.same(await problemThrownBy(() => recognise({ from: 'eqf:4', to: 'eqf' })), { status: 400, code: 'same-framework', detail: 'eqf:4 is already in eqf; ask for another framework.' });
  const unnamed = recognise({ from: 'eqf:4', to: 'de-dqr' });
  t.equal(unnamed.lang, 'en');
  t.equal(unnamed.requestedLang, 'en', 'no language asked: English, without a fallback notice');
  t.equal(unnamed.explanation, [
    'Official: EQF level 4 is at the same level as DQR level 4 (German Qualifications Framework for Lifelong Learning (DQR)).',
    'On whose word: EQF level 4 to DQR level 4: the country\'s official EQF referencing.',
    'The same level does not mean the same qualification or the same content.',
    'Where to apply: Equivalence assessment against a German reference occupation (industry, trade, hospitality, services), IHK FOSA, the chambers of industry and commerce\'s recognition centre (Nuremberg).',
  ].join(' '), 'an EQF level is not called a national level');
  const ar = recognise({ from: 'eqf:4', to: 'de-dqr', lang: 'ar' }).explanation;
  t.ok(ar.startsWith('رسمي: المستوى 4 من الإطار الأوروبي للمؤهلات في المستوى نفسه'), 'Arabic titles are not isolated');
  t.ok(ar.includes('\u2068IHK FOSA'), 'a Latin name is');
});

t.test('each step\'s own sentence, and which steps are followed backwards', async (t) => {
  const hnd = recognise({ qualificationType: 'gh-hnd', to: 'de-dqr', lang: 'en' });
  t.same(hnd.paths[0]!.steps.map((s) => [s.text, s.inverse]), [
    ['Higher National Diploma (HND) (Ghana) to EQF level 5: placed by Nuffic, the Dutch ENIC-NARIC centre (Netherlands), binding only that body.', false],
    ['EQF level 5 to DQR level 5: the country\'s official EQF referencing.', true],
  ]);
  const accredited = recognise({ claims: [{ level: 'eqf:3', accreditedBy: { id: 'did:web:incual.example', name: 'INCUAL' } }], to: 'es-mecu', lang: 'en' });
  t.equal(accredited.paths[0]!.steps[0]!.text, 'this credential to EQF level 3: stated by the issuer, which INCUAL accredits for this level.');
  t.notOk(accredited.sources.some((s) => s.url === null), 'an accredited claim rests on the credential, which is not a published source');
});

t.test('placements: derived ones say so; types at a level are named only when someone placed them', async (t) => {
  t.same(recognise({ qualificationType: 'ng-hnd', to: 'eqf' }).placements.map((p) => [p.id, p.derived]), [['nuffic-ng-hnd', true]]);
  const cnc3 = recognise({ from: 'ma-cnc:3', to: 'eqf', lang: 'en' });
  t.same(cnc3.qualificationTypesAtLevel, [], 'the Moroccan qualification at CNC 3 has no published placement');
  t.equal(cnc3.explanation, 'No published relation links CNC level 3 (a national level, not an EQF level) to the European Qualifications Framework.');
});

t.test('where to apply: several regulated occupations are named together; without one, no regulated route', async (t) => {
  const [advancedNurse, nurse] = ['http://data.europa.eu/esco/occupation/36494988-69d2-4420-9db4-eb56605ac983', 'http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50'];
  const both = recognise({ from: 'ke-knqf:6', to: 'de-dqr', occupations: [nurse, advancedNurse], lang: 'en' });
  t.equal(both.nextSteps[0]!.reason, 'regulated occupation: advanced nurse practitioner, nurse responsible for general care');
  t.same(recognise({ from: 'ke-knqf:6', to: 'de-dqr' }).nextSteps.map((n) => n.id), ['de-ihk-fosa', 'de-hwk', 'de-zab']);
});
