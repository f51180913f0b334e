import t from 'tap';
import { getIscoGroup, getOccupation, getSkill, listIscoGroups } from '../../src/skills/catalogue.js';
import { LANGUAGES } from '../../src/skills/types.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';
const LAY_BRICKS = 'http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d';

t.test('all 619 ISCO-08 groups load with en/fr/es titles', async (t) => {
  const groups = listIscoGroups();
  t.equal(groups.length, 619);
  const perLevel = Object.fromEntries(
    ['major', 'sub-major', 'minor', 'unit'].map((level) => [level, groups.filter((g) => g.level === level).length]),
  );
  t.same(perLevel, { major: 10, 'sub-major': 43, minor: 130, unit: 436 });
  for (const lang of LANGUAGES) {
    t.ok(groups.every((group) => (group.labels[lang] ?? '').length > 0), `every group has a ${lang} title`);
  }
  const codes = new Set(groups.map((group) => group.code));
  t.ok(groups.every((group) => group.parent === null || codes.has(group.parent)), 'every parent exists');
});

t.test('ISCO lookup at every level', async (t) => {
  const bricklayers = getIscoGroup('7112');
  t.equal(bricklayers.level, 'unit');
  t.equal(bricklayers.parent, '711');
  t.same(bricklayers.labels, { en: 'Bricklayers and related workers', fr: 'Maçons', es: 'Albañiles' });
  t.ok(bricklayers.occupations.some((occupation) => occupation.uri === BRICKLAYER));

  const cropLabourers = getIscoGroup('9211');
  t.equal(cropLabourers.labels.en, 'Crop farm labourers');
  t.equal(cropLabourers.labels.fr, 'Manœuvres de l’agriculture');
  t.equal(cropLabourers.labels.es, 'Peones de explotaciones agrícolas');
  t.same(
    cropLabourers.occupations.map((occupation) => [occupation.code, occupation.labels.en]),
    [
      ['9211.1', 'fruit and vegetable picker'],
      ['9211.2', 'vineyard worker'],
    ],
  );

  const crafts = getIscoGroup('7');
  t.equal(crafts.level, 'major');
  t.equal(crafts.parent, null);
  t.same(crafts.children, ['71', '72', '73', '74', '75']);
  t.ok(crafts.occupations.length > 1, 'a major group lists the occupations below it');

  t.equal(getIscoGroup('http://data.europa.eu/esco/isco/C0110').code, '0110', 'by ESCO URI, leading zero kept');
  t.throws(() => getIscoGroup('9999'), { code: 'unknown-isco-group', status: 404 });
});

t.test('occupation lookup by ESCO URI and by ESCO code', async (t) => {
  const byUri = getOccupation(BRICKLAYER);
  t.equal(byUri.code, '7112.1');
  t.equal(byUri.iscoGroup, '7112');
  t.same(byUri.labels, { en: 'bricklayer', fr: 'maçon/maçonne', es: 'albañil' });
  t.ok(byUri.altLabels.fr?.includes('briqueteur'));
  t.equal(byUri.essentialSkills.length, 19);
  t.equal(getOccupation('7112.1'), byUri);
  t.equal(getOccupation('9211.1').labels.en, 'fruit and vegetable picker');
});

t.test('unknown occupation: a not-found error that says what to do', async (t) => {
  t.throws(() => getOccupation('http://data.europa.eu/esco/occupation/nope'), {
    code: 'unknown-occupation',
    status: 404,
    detail: /search occupations by label/,
  });
  t.throws(() => getOccupation('7112'), { code: 'unknown-occupation', detail: /ISCO-08 group code/ });
});

t.test('skill lookup by URI or UUID; unknown skill is not found', async (t) => {
  const skill = getSkill(LAY_BRICKS);
  t.same(skill.labels, { en: 'lay bricks', fr: 'poser des briques', es: 'colocar ladrillos' });
  t.equal(skill.skillType, 'skill/competence');
  t.equal(getSkill('13e1c0a2-b90d-46f4-be51-11730360b38d'), skill);
  t.throws(() => getSkill('http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000'), {
    code: 'unknown-skill',
    status: 404,
  });
});
