/**
 * The data rule, checked on every build: a relation between levels needs a published source that states it, level by
 * level or qualification type by qualification type. Matching numbers, an equal level count or "designed on the EQF
 * model" are never a source.
 */
import t from 'tap';
import { buildRegistry, readRawData, type RawData } from '../../src/frameworks/registry.js';
import type { Registry, Source } from '../../src/frameworks/types.js';

const EU = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];
const META = ['eqf', 'acqf'];

/** Justifications that are not sources, in the languages the notes are written in. */
const LEVEL_ARITHMETIC = [
  /level count/i, /number of levels/i, /same number/i, /equal(ly)? number/i, /designed on the (\w+ )?model/i, /modell?ed on the/i,
  /nombre de niveaux/i, /conçu sur le modèle/i, /mismo número de niveles/i, /diseñado según el modelo/i, /\bn\s*[=~≈]\s*n\b/i,
];

const citable = (s: Source) => Boolean(s.url) && Boolean(s.date);

/** Every way the data breaks the rule; [] when it holds. */
function violations(reg: Registry): string[] {
  const problems: string[] = [];
  for (const e of reg.edges) {
    const name = `edge ${e.from} -> ${e.to}`;
    if (!citable(e.source)) problems.push(`${name}: its source needs a URL and a date`);
    if (!e.date) problems.push(`${name}: no date`);
    const texts = [e.source.title, ...Object.values(e.note ?? {})];
    for (const pattern of LEVEL_ARITHMETIC) if (texts.some((x) => pattern.test(x))) problems.push(`${name}: justified by level arithmetic (${pattern})`);
    const [fa, ca] = e.from.split(':') as [string, string];
    const [fb, cb] = e.to.split(':') as [string, string];
    const nonEu = (fw: string) => { const country = reg.frameworks.get(fw)!.country; return country === null ? fw !== 'eqf' : !EU.includes(country); };
    const toMeta = META.includes(fa) || META.includes(fb);
    if (toMeta && (nonEu(fa) || nonEu(fb)) && ca === cb && e.source.statesRelation !== true) {
      problems.push(`${name}: level n to level n between a non-EU framework and ${META.includes(fb) ? fb : fa} needs a source that states the levels one by one (statesRelation)`);
    }
    if (e.verified && !(e.source.verified && e.source.statesRelation === true)) problems.push(`${name}: verified, but its source does not state the relation itself`);
  }
  for (const p of reg.placements) {
    const name = `placement ${p.id}`;
    if (!citable(p.source)) problems.push(`${name}: its source needs a URL and a date`);
    if (p.basis !== 'credential-evaluation-body' || !p.by.name) problems.push(`${name}: a placement is a body's word, with the body named`);
    if (p.verified && !(p.source.verified && p.source.statesRelation === true)) problems.push(`${name}: verified, but its source does not state the placement itself`);
  }
  for (const j of reg.jurisdictions) {
    for (const p of j.procedures) if (!p.sources.every(citable) || !/^https?:\/\//.test(p.url)) problems.push(`procedure ${p.id}: sources need URL and date, and the procedure an official link`);
  }
  for (const source of [...reg.edges.map((e) => e.source), ...reg.placements.map((p) => p.source)]) {
    if (source.checked === 're-checked' && !source.accessed) problems.push(`source "${source.title}": re-checked, but not when`);
  }
  return problems;
}

t.test('the data holds the rule', async (t) => {
  t.same(violations(buildRegistry(readRawData())), []);
});

t.test('the check catches level arithmetic: a Morocco CNC n -> EQF n edge "designed on the EQF model" fails it', async (t) => {
  const data: RawData = structuredClone(readRawData());
  const relations = data.relations.data as any;
  relations.sources['ma-design'] = { title: 'ETF inventory: the CNC is designed on the EQF model', url: 'https://openspace.etf.europa.eu/nqf-inventories/nqf-inventory-morocco', date: '2013', verified: true };
  relations.edges.push({ from: 'ma-cnc:4', to: 'eqf:4', relation: 'close', basis: 'indicative', source: 'ma-design', date: '2013', verified: true });
  const problems = violations(buildRegistry(data));
  t.match(problems, [/ma-cnc:4 -> eqf:4: justified by level arithmetic/, /ma-cnc:4 -> eqf:4: level n to level n .* needs a source that states the levels one by one/, /ma-cnc:4 -> eqf:4: verified, but its source does not state/]);
});

t.test('the check catches an n -> n edge to the ACQF with a neutral wording but no level-by-level source', async (t) => {
  const data: RawData = structuredClone(readRawData());
  const relations = data.relations.data as any;
  relations.sources['ke-inventory'] = { title: 'KNQA: Qualifications Framework', url: 'https://www.knqa.go.ke/index.php/kb-sections/qualifications', date: '2023', verified: true };
  relations.edges.push({ from: 'ke-knqf:6', to: 'acqf:6', relation: 'close', basis: 'indicative', source: 'ke-inventory', date: '2023', verified: false });
  t.match(violations(buildRegistry(data)), [/ke-knqf:6 -> acqf:6: level n to level n/]);
});

t.test('the check catches a placement marked verified on a source that does not state it, and a source without a date', async (t) => {
  const data: RawData = structuredClone(readRawData());
  const placements = data.placements.data as any;
  placements.sources['nuffic-ke'].statesRelation = false;
  t.match(violations(buildRegistry(data)), [/placement nuffic-ke-kcse-fewer: verified, but its source does not state the placement itself/]);
  const relations = structuredClone(readRawData());
  delete (relations.relations.data as any).sources['de-referencing'].date;
  t.match(violations(buildRegistry(relations)), [/edge de-dqr:1 -> eqf:1: its source needs a URL and a date/]);
});

t.test('every corridor country has its recognition procedures', async (t) => {
  const ids = buildRegistry(readRawData()).jurisdictions.map((j) => j.id).sort();
  t.same(ids, ['AM', 'BE-fl', 'BE-fr', 'DE', 'ES', 'FR', 'GH', 'IT', 'KE', 'LT', 'MA', 'NG', 'PT', 'SN'].sort());
});

t.test('translated data is in every answer language and has no English left in French, Spanish or Arabic', async (t) => {
  const raw = readRawData();
  const english = /\b(the|and|of|for|with|only|level|not|is|from|by|which|years?)\b/i;
  const texts: Array<[string, Record<string, string>]> = [];
  const collect = (where: string, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && ['en', 'fr', 'es', 'ar'].every((l) => typeof (v as Record<string, unknown>)[l] === 'string')) {
      texts.push([where, v as Record<string, string>]);
      return;
    }
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(`${where}.${k}`, x);
  };
  collect('placements', (raw.placements.data as any).qualificationTypes);
  collect('placements', (raw.placements.data as any).placements);
  collect('placements', (raw.placements.data as any).bodies);
  collect('procedures', (raw.procedures.data as any).jurisdictions);
  const messages = raw.messages.data as any;
  for (const lang of ['fr', 'es', 'ar']) {
    const flat: string[] = [];
    const walk = (v: unknown) => (typeof v === 'string' ? flat.push(v) : v && typeof v === 'object' && Object.values(v).forEach(walk));
    walk(messages[lang]);
    for (const s of flat) if (english.test(s.replace(/\{\w+\}/g, ''))) t.fail(`messages.${lang}: English left in "${s}"`);
  }
  t.ok(texts.length > 150, `${texts.length} translated texts`);
  for (const [where, text] of texts) {
    for (const lang of ['fr', 'es', 'ar']) if (english.test(text[lang]!)) t.fail(`${where}.${lang}: English left in "${text[lang]}"`);
  }
});
