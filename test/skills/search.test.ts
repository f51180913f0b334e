import t from 'tap';
import { searchOccupations, searchSkills } from '../../src/skills/catalogue.js';
import { normalizeLabel } from '../../src/skills/search-index.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';

t.test('normalisation ignores case, accents, ligatures and punctuation', async (t) => {
  t.equal(normalizeLabel('Maçon/Maçonne'), 'macon maconne');
  t.equal(normalizeLabel('Manœuvres de l’agriculture'), 'manoeuvres de l agriculture');
  t.equal(normalizeLabel("  chef d'équipe -- ALBAÑIL "), 'chef d equipe albanil');
});

t.test('French, Spanish and English names find the same bricklayer occupation (ISCO 7112)', async (t) => {
  // [query, the label it should match through]
  const queries: Array<[string, string]> = [
    ['maçon', 'maçon'],
    ['albañil', 'albañil'],
    ['bricklayer', 'bricklayer'],
    ['macon', 'maçon'],
    ['ALBANIL', 'albañil'],
    ['maçonne', 'maçonne'],
    ['briqueteur', 'briqueteur'],
    ['brick layer', 'brick layer'],
  ];
  for (const [q, matched] of queries) {
    const [first] = searchOccupations({ q });
    t.equal(first?.uri, BRICKLAYER, `${q} finds bricklayer first`);
    t.equal(first?.code, '7112.1');
    t.equal(first?.iscoGroup, '7112');
    t.equal(first?.matched.label, matched, `${q} matched through "${matched}"`);
  }
});

t.test('a synonym match is reported as such', async (t) => {
  const [first] = searchOccupations({ q: 'briqueteur' });
  t.same(first?.matched, { label: 'briqueteur', lang: 'fr', preferred: false });
});

t.test('ranking: exact label, then label prefix, then whole word, then word prefix', async (t) => {
  const hits = searchOccupations({ q: 'maçon' });
  t.same(
    hits.slice(0, 4).map((hit) => [hit.code, hit.matched.label]),
    [
      ['7112.1', 'maçon'],
      ['7113.1', 'maçon pierre'],
      ['7114.1', 'maçon finisseur'],
      ['3123.1.1', "chef d'équipe maçon"],
    ],
  );
  const scores = hits.map((hit) => hit.score);
  t.same(scores, [...scores].sort((a, b) => b - a), 'scores never increase');
  t.ok(scores.slice(1).every((score) => score < scores[0]!), 'only the exact match has the top score');

  const brick = searchOccupations({ q: 'brick' }).map((hit) => hit.code);
  t.same(brick.slice(0, 2), ['7112.1', '3123.1.1'], 'labels starting with the query come first, shorter first');
});

t.test('labels come back in the requested language, English when there is no translation', async (t) => {
  t.equal(searchOccupations({ q: 'bricklayer', lang: 'fr' })[0]?.label, 'maçon/maçonne');
  t.equal(searchOccupations({ q: 'maçon', lang: 'es' })[0]?.label, 'albañil');
  t.equal(searchOccupations({ q: 'albañil' })[0]?.label, 'bricklayer');
  // "data engineer" was added after ESCO v1.0, which is where the French labels come from.
  t.equal(searchOccupations({ q: 'data engineer', lang: 'fr' })[0]?.label, 'data engineer');
});

t.test('gendered forms and multi-word queries', async (t) => {
  t.equal(searchOccupations({ q: 'recolectora de frutas' })[0]?.code, '9211.1');
  t.equal(searchOccupations({ q: 'cueilleuse' })[0]?.code, '9211.1');
  t.equal(searchOccupations({ q: 'software dev' })[0]?.code, '2512.4');
});

t.test('skills search in en/fr/es', async (t) => {
  const layBricks = 'http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d';
  for (const q of ['lay bricks', 'poser des briques', 'POSER DES BRIQUES']) {
    t.equal(searchSkills({ q })[0]?.uri, layBricks, q);
  }
  const [hit] = searchSkills({ q: 'lay bricks', lang: 'es' });
  t.equal(hit?.label, 'colocar ladrillos');
  t.equal(hit?.skillType, 'skill/competence');
  t.equal(hit?.reuseLevel, 'sector-specific');
});

t.test('limit, no match, invalid input', async (t) => {
  t.equal(searchSkills({ q: 'install', limit: 3 }).length, 3);
  t.same(searchOccupations({ q: 'zzzyzzx' }), []);
  t.throws(() => searchOccupations({ q: '  ' }), { code: 'invalid-query', status: 400 });
  t.throws(() => searchOccupations({ q: 'maçon', limit: 0 }), { code: 'invalid-limit', status: 400 });
  t.throws(() => searchOccupations({ q: 'maçon', limit: 1000 }), { code: 'invalid-limit' });
  t.throws(() => searchSkills({ q: 'maçon', lang: 'de' as 'en' }), { code: 'unsupported-language', status: 400 });
});
