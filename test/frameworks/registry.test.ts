import t from 'tap';
import {
  buildRegistry, frameworkForCountry, getFramework, getLevel, levelByUri, levelUri, listAgreements, listEdges, listFrameworks,
  readRawData, resolveAlignment, type RawData,
} from '../../src/frameworks/registry.js';

const IDS = ['eqf', 'acqf', 'ma-cnc', 'es-mecu', 'es-meces', 'pt-qnq', 'fr-cnp', 'be-fl', 'be-fr', 'de-dqr', 'lt-ltks', 'it-qnq',
  'sn-cnc', 'gh-ntvetqf', 'ng-nsqf', 'ke-knqf', 'am-anqf', 'cefr'];

/** A fresh, mutable copy of the project's data files. */
const raw = (): RawData => structuredClone(readRawData());
const frameworkFile = (data: RawData, id: string) => data.frameworks.find((f) => f.file === `frameworks/${id}.json`)!.data as any;

t.test('every framework of the issue is loaded, with sources, status, date and levels', async (t) => {
  t.same(listFrameworks().map((f) => f.id).sort(), [...IDS].sort());
  for (const f of listFrameworks()) {
    t.ok(f.sources.length > 0, `${f.id} has sources`);
    t.ok(f.date, `${f.id} has a date`);
    t.ok(f.name.en && f.name.fr, `${f.id} is named in en and fr`);
    for (const l of f.levels) t.ok(l.title.en && l.title.fr, `${l.ref} has en and fr titles`);
  }
});

t.test('level counts follow the facts sheet', async (t) => {
  const counts: Record<string, number> = { eqf: 8, acqf: 10, 'ma-cnc': 8, 'es-mecu': 8, 'es-meces': 4, 'pt-qnq': 8, 'fr-cnp': 8, 'be-fl': 8,
    'be-fr': 8, 'de-dqr': 8, 'lt-ltks': 8, 'it-qnq': 8, 'gh-ntvetqf': 8, 'ng-nsqf': 6, 'ke-knqf': 10, 'am-anqf': 8, cefr: 6 };
  for (const [id, n] of Object.entries(counts)) t.equal(getFramework(id)!.levels.length, n, id);
  t.same(getFramework('cefr')!.levels.map((l) => l.code), ['A1', 'A2', 'B1', 'B2', 'C1', 'C2']);
});

t.test('statuses: Morocco and Senegal are in development, Senegal says its levels are not CNC levels', async (t) => {
  t.equal(getFramework('sn-cnc')!.status, 'in-development');
  t.match(getFramework('sn-cnc')!.statusNote.en, /NOT CNC levels/);
  t.equal(getFramework('ma-cnc')!.status, 'in-development');
  t.equal(getFramework('de-dqr')!.status, 'referenced-to-eqf');
  t.equal(getFramework('acqf')!.status, 'adopted');
});

t.test('own-language titles where known', async (t) => {
  t.equal(getLevel('de-dqr:4')!.title.de, 'DQR-Niveau 4');
  t.equal(getLevel('es-mecu:4')!.title.es, 'Nivel 4 del MECU');
  t.equal(getLevel('pt-qnq:4')!.title.pt, 'Nível 4 do QNQ');
  t.equal(getLevel('be-fl:5')!.title.nl, 'VKS-niveau 5');
  t.equal(getLevel('lt-ltks:6')!.title.lt, 'LTKS 6 lygis');
});

t.test('facts the sheet marks [K] are marked unverified in the data', async (t) => {
  t.equal(getLevel('de-dqr:4')!.typicalQualifications[0]!.verified, false, 'DQR 4 = dual apprenticeship is [K]');
  t.match(getLevel('de-dqr:4')!.typicalQualifications[0]!.title.de, /Maurer/);
  t.equal(getLevel('es-mecu:4')!.typicalQualifications[0]!.verified, false, 'Técnico = 4 is [K]');
  const meces = listEdges().filter((e) => e.from.startsWith('es-meces:'));
  t.same(meces.map((e) => [e.from, e.to, e.verified]), [
    ['es-meces:1', 'eqf:5', false], ['es-meces:2', 'eqf:6', true], ['es-meces:3', 'eqf:7', false], ['es-meces:4', 'eqf:8', false]]);
  t.equal(getFramework('es-meces')!.statusVerified, false);
  t.equal(getLevel('fr-cnp:3')!.typicalQualifications[0]!.verified, true, 'CAP = 3 is [V] legifrance');
});

t.test('level URIs: EQF uses the official URIs, others are minted under the service base URL', async (t) => {
  for (let n = 1; n <= 8; n++) t.equal(levelUri(getLevel(`eqf:${n}`)!, 'https://creds.example.org'), `http://data.europa.eu/snb/eqf/${n}`);
  t.equal(levelUri(getLevel('ma-cnc:5')!, 'https://creds.example.org'), 'https://creds.example.org/frameworks/ma-cnc/levels/5');
  t.equal(levelUri(getLevel('cefr:B1')!, 'http://localhost:3000'), 'http://localhost:3000/frameworks/cefr/levels/B1');
  t.equal(levelByUri('http://data.europa.eu/snb/eqf/4')!.ref, 'eqf:4');
  t.equal(levelByUri('https://creds.example.org/frameworks/ma-cnc/levels/5')!.ref, 'ma-cnc:5');
  t.equal(levelByUri('https://passerelle.example/frameworks/de-dqr/levels/4/')!.ref, 'de-dqr:4', 'the placeholder of credentials already issued');
  t.equal(levelByUri('http://data.europa.eu/snb/eqf/9'), undefined);
  t.equal(levelByUri('https://creds.example.org/frameworks/ma-cnc/levels/9'), undefined);
  t.equal(levelByUri('https://creds.example.org/eqf/4'), undefined, 'an EQF level is only its official URI');
  t.equal(levelByUri('/frameworks/ma-cnc/levels/5'), undefined, 'a bare path is not a URI');
});

t.test('levelUriBase is an official URI base or the path this service serves', async (t) => {
  const raw = readRawData();
  const file = raw.frameworks.find((f) => f.file === 'frameworks/ma-cnc.json')!;
  (file.data as { levelUriBase: string }).levelUriBase = '/elsewhere/';
  t.throws(() => buildRegistry(raw), /levelUriBase must be an official absolute URI base or the path \/frameworks\/ma-cnc\/levels\//);
});

t.test('frameworkForCountry', async (t) => {
  t.equal(frameworkForCountry('ES')!.id, 'es-mecu', 'MECU is the Spanish default');
  t.equal(frameworkForCountry('ma')!.id, 'ma-cnc');
  t.equal(frameworkForCountry('ZZ'), undefined);
  t.equal(getFramework('eqf')!.country, null);
  t.throws(() => frameworkForCountry('BE'), { code: 'ambiguous-country', detail: /be-fl, be-fr/ });
});

t.test('resolveAlignment accepts URLs, ids, acronyms and display names', async (t) => {
  const cases: [Parameters<typeof resolveAlignment>[0], string | null][] = [
    [{ targetUrl: 'http://data.europa.eu/snb/eqf/6' }, 'eqf:6'],
    [{ targetFramework: 'eqf', targetCode: '6' }, 'eqf:6'],
    [{ targetFramework: 'European Qualifications Framework', targetCode: '6' }, 'eqf:6'],
    [{ targetFramework: 'Cadre européen commun de référence pour les langues (CECRL)', targetCode: 'b2' }, 'cefr:B2'],
    [{ targetFramework: 'DQR', targetCode: '4' }, 'de-dqr:4'],
    [{ targetUrl: 'https://passerelle.example/frameworks/ma-cnc/levels/5' }, 'ma-cnc:5'],
    [{ targetFramework: 'ma-cnc', targetCode: '9' }, null],
    [{ targetFramework: 'Unknown framework', targetCode: '1' }, null],
    [{ targetUrl: 'https://example.org/nope' }, null],
    [{}, null],
  ];
  for (const [alignment, expected] of cases) t.equal(resolveAlignment(alignment)?.ref ?? null, expected, JSON.stringify(alignment));
});

t.test('CEFR is not related to any qualifications framework', async (t) => {
  t.equal(listEdges().filter((e) => e.from.startsWith('cefr:') || e.to.startsWith('cefr:')).length, 0);
});

t.test('agreements: none establishes level equivalence, so none adds a level edge; occupations carry sources', async (t) => {
  const ids = listAgreements().map((a) => a.id);
  t.same(ids, ['es-ma-gecco', 'de-bqfg-anerkennung']);
  t.equal(listEdges().filter((e) => e.basis === 'bilateral-agreement').length, 0);
  const gecco = listAgreements().find((a) => a.id === 'es-ma-gecco')!;
  t.equal(gecco.establishesLevelEquivalence, false);
  t.same(gecco.occupations.map((o) => o.isco08), ['9211']);
  t.ok(gecco.occupations[0]!.source.url);
  const bqfg = listAgreements().find((a) => a.id === 'de-bqfg-anerkennung')!;
  t.ok(bqfg.occupations.some((o) => o.isco08 === '7112'));
  t.equal(bqfg.occupations.find((o) => o.isco08 === '7112')!.verified, false);
});

t.test('bad data fails loudly, naming the file and the entry', async (t) => {
  const cases: [string, (d: RawData) => void, RegExp][] = [
    ['unknown framework in an edge', (d) => (d.relations.data as any).edges.push({ from: 'xx-nqf:1', to: 'eqf:1', relation: 'exact', basis: 'official-referencing', source: 'de-referencing', date: '2020', verified: true }),
      /^relations\.json: edges\[\d+\] \(xx-nqf:1 -> eqf:1\): unknown framework 'xx-nqf'$/],
    ['unknown level in an edge', (d) => (d.relations.data as any).edges.push({ from: 'de-dqr:9', to: 'eqf:8', relation: 'exact', basis: 'official-referencing', source: 'de-referencing', date: '2020', verified: true }),
      /^relations\.json: edges\[\d+\] \(de-dqr:9 -> eqf:8\): unknown level 'de-dqr:9'$/],
    ['unknown source key', (d) => ((d.relations.data as any).edges[0].source = 'nowhere'),
      /^relations\.json: edges\[0\] \(de-dqr:1 -> eqf:1\): unknown source 'nowhere'/],
    ['duplicate level', (d) => frameworkFile(d, 'de-dqr').levels.push(structuredClone(frameworkFile(d, 'de-dqr').levels[3])),
      /^frameworks\/de-dqr\.json: framework de-dqr: duplicate level code '4'$/],
    ['missing sources', (d) => delete frameworkFile(d, 'eqf').sources,
      /^frameworks\/eqf\.json: framework eqf: sources must be an array$/],
    ['empty sources', (d) => (frameworkFile(d, 'ng-nsqf').sources = []),
      /^frameworks\/ng-nsqf\.json: framework ng-nsqf: sources must list at least one source$/],
    ['source without url or reference', (d) => (frameworkFile(d, 'ke-knqf').sources[0] = { title: 'x', url: null, verified: false }),
      /^frameworks\/ke-knqf\.json: framework ke-knqf: sources\[0\]\.reference/],
    ['level without French title', (d) => delete frameworkFile(d, 'it-qnq').levels[0].title.fr,
      /^frameworks\/it-qnq\.json: level it-qnq:1: title\.fr must be a non-empty string$/],
    ['CEFR related to the EQF', (d) => (d.relations.data as any).edges.push({ from: 'cefr:B1', to: 'eqf:3', relation: 'close', basis: 'indicative', source: 'de-referencing', date: '2020', verified: false }),
      /cefr:B1 -> eqf:3\): a language framework \(CEFR\) cannot be related/],
    ['agreement with level edges but no equivalence', (d) => (d.agreements.data as any).agreements[0].levelEdges.push({ from: 'ma-cnc:4', to: 'es-mecu:4', relation: 'close', basis: 'bilateral-agreement', source: { title: 's', url: 'https://example.org', verified: false }, date: '2020', verified: false }),
      /^agreements\.json: agreement es-ma-gecco: levelEdges given but establishesLevelEquivalence is false$/],
    ['agreement with level edges open to any origin', (d) => {
      const bqfg = (d.agreements.data as any).agreements[1];
      bqfg.establishesLevelEquivalence = true;
      bqfg.levelEdges.push({ from: 'ma-cnc:4', to: 'de-dqr:4', relation: 'close', basis: 'bilateral-agreement', source: { title: 's', url: 'https://example.org', verified: false }, date: '2020', verified: false });
    }, /^agreements\.json: agreement de-bqfg-anerkennung: an agreement with levelEdges must list its origin countries$/],
    ['two default frameworks for one country', (d) => (frameworkFile(d, 'es-meces').countryDefault = true),
      /ES already has default framework/],
    ['message missing in one language', (d) => delete (d.messages.data as any).ar.lead.none,
      /^messages\.json: messages\.ar: lead\.none must be a non-empty string$/],
    ['placeholder misspelt in a translation', (d) => ((d.messages.data as any).fr.step['credential-evaluation-body'] = '{from} vers {to} : placé par {organisme}.'),
      /^messages\.json: messages\.fr: step\.credential-evaluation-body must have the English text's placeholders \(\{by\}, \{from\}, \{to\}\), not \{from\}, \{organisme\}, \{to\}$/],
    ['placeholder left out of a translation', (d) => ((d.messages.data as any).es.onWhoseWord = 'Según quién.'),
      /^messages\.json: messages\.es: onWhoseWord must have the English text's placeholders \(\{steps\}\), not none$/],
    ['translated text the English messages lack', (d) => ((d.messages.data as any).fr.leadd = { none: 'Aucune relation publiée.' }),
      /^messages\.json: messages\.fr: leadd\.none is not in the English messages \(a misspelt key\?\)$/],
    ['placeholder added to a text that has none', (d) => ((d.messages.data as any).ar.or = ' {or} '),
      /^messages\.json: messages\.ar: or must have the English text's placeholders \(none\), not \{or\}$/],
    ['placement on the CEFR', (d) => ((d.placements.data as any).placements[0].to = ['cefr:B1']),
      /^placements\.json: placement nuffic-ma-baccalaureat: a qualification cannot be placed on a language scale \(CEFR\)$/],
    ['placement of an unknown type', (d) => ((d.placements.data as any).placements[0].qualificationType = 'xx-diploma'),
      /placement nuffic-ma-baccalaureat: unknown qualification type 'xx-diploma'$/],
    ['placement source without a date', (d) => delete (d.placements.data as any).sources['nuffic-ma'].date,
      /^placements\.json: sources\.nuffic-ma: source\.date is required/],
    ['origin level of another country', (d) => ((d.placements.data as any).qualificationTypes[0].originLevel = 'gh-ntvetqf:4'),
      /qualification type ma-baccalaureat: origin level gh-ntvetqf:4 is not a level of a MA framework$/],
    ['type title missing in Arabic', (d) => delete (d.placements.data as any).qualificationTypes[0].title.ar,
      /qualification type ma-baccalaureat: title\.ar must be a non-empty string$/],
    ['procedure without a source URL', (d) => ((d.procedures.data as any).jurisdictions[0].procedures[0].sources[0].url = null),
      /^recognition-procedures\.json: jurisdiction ES procedure es-fp-homologacion: sources\[0\]\.(reference|url)/],
    ['framework in two jurisdictions', (d) => (d.procedures.data as any).jurisdictions[1].frameworks.push('es-mecu'),
      /jurisdiction DE: framework 'es-mecu' already belongs to another jurisdiction$/],
  ];
  for (const [name, mutate, message] of cases) {
    const data = raw();
    mutate(data);
    t.throws(() => buildRegistry(data), message, name);
  }
});

t.test('the unmodified data builds', async (t) => {
  t.doesNotThrow(() => buildRegistry(raw()));
});

t.test('every text a reader sees exists in French, Spanish, Arabic and English; source titles have a translation beside them', async (t) => {
  const PAGE_LANGS = ['en', 'fr', 'es', 'ar'];
  const missing: string[] = [];
  const need = (text: Record<string, string> | undefined, where: string) => {
    for (const lang of PAGE_LANGS) if (text && !text[lang]) missing.push(`${where} ${lang}`);
  };
  for (const f of listFrameworks()) {
    need(f.name, `${f.id} name`);
    need(f.statusNote, `${f.id} statusNote`);
    need(f.descriptorsNote, `${f.id} descriptorsNote`);
    for (const l of f.levels) {
      need(l.title, `${l.ref} title`);
      l.typicalQualifications.forEach((q, i) => need(q.title, `${l.ref} typicalQualifications[${i}]`));
    }
    f.sources.forEach((s, i) => {
      for (const lang of ['es', 'ar']) if (!s.titleTranslated?.[lang]) missing.push(`${f.id} sources[${i}] titleTranslated ${lang}`);
    });
  }
  for (const a of listAgreements()) {
    need(a.title, `${a.id} title`);
    need(a.summary, `${a.id} summary`);
  }
  t.same(missing, []);
});
