import t from 'tap';
import { skillsGap } from '../../src/skills/gap.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';
const skill = (id: string) => `http://data.europa.eu/esco/skill/${id}`;

// A bricklaying credential: five of the nineteen essential skills ESCO gives the bricklayer, one optional skill.
const LAY_BRICKS = skill('13e1c0a2-b90d-46f4-be51-11730360b38d');
const SPLIT_BRICKS = skill('3e3f2ff8-cf80-4415-ac6a-020d52b175c1');
const CHECK_STRAIGHTNESS = skill('b6239792-033c-41ba-b09b-21837655436a');
const FINISH_MORTAR_JOINTS = skill('ca309d1f-e080-42a3-b828-1c16e74aa9e7');
const MIX_GROUTS = skill('bfd96453-f2fd-43ea-afc1-fb2dc0d7367d');
const APPLY_FINISH_TO_CONCRETE = skill('2d28964f-0a2d-4aa2-bc2d-c73f7a4442d6');

const MISSING_ESSENTIALS = [
  'sort waste',
  'follow health and safety procedures in construction',
  'install construction profiles',
  'interpret 3D plans',
  'use measurement instruments',
  'follow safety procedures when working at heights',
  'snap chalk line',
  'inspect construction supplies',
  'discharge cement',
  'work ergonomically',
  'transport construction supplies',
  'use safety equipment in construction',
  'interpret 2D plans',
  'secure working area',
];

t.test('bricklayer credential against the ESCO bricklayer occupation', async (t) => {
  const gap = skillsGap({
    heldSkills: [LAY_BRICKS, SPLIT_BRICKS, CHECK_STRAIGHTNESS, FINISH_MORTAR_JOINTS, MIX_GROUTS, APPLY_FINISH_TO_CONCRETE],
    occupation: BRICKLAYER,
  });
  t.same(gap.occupation, { uri: BRICKLAYER, code: '7112.1', label: 'bricklayer' });
  t.same(
    gap.essential.covered.map((s) => s.label).sort(),
    ['check straightness of brick', 'finish mortar joints', 'lay bricks', 'mix construction grouts', 'split bricks'],
  );
  t.same(gap.essential.missing.map((s) => s.label).sort(), [...MISSING_ESSENTIALS].sort());
  t.same(gap.essential.notAssessed, []);
  t.same(gap.optional.covered, [{ uri: APPLY_FINISH_TO_CONCRETE, label: 'apply finish to concrete' }]);
  t.ok(gap.optional.missing.length > 0);
  t.ok(gap.optional.missing.every((s) => s.uri !== APPLY_FINISH_TO_CONCRETE));
  t.equal(gap.coverage.essential, 5 / 19);
  t.equal(gap.coverage.optional, 1 / (gap.optional.missing.length + 1));
  t.same(gap.unknownSkills, []);
});

t.test('skills held across several credentials: duplicates count once, order does not matter', async (t) => {
  const gap = skillsGap({
    heldSkills: [MIX_GROUTS, LAY_BRICKS, LAY_BRICKS, '13e1c0a2-b90d-46f4-be51-11730360b38d'],
    occupation: '7112.1',
  });
  t.same(gap.essential.covered.map((s) => s.uri).sort(), [LAY_BRICKS, MIX_GROUTS].sort());
  t.equal(gap.essential.missing.length, 17);
});

t.test('labels in the requested language', async (t) => {
  const gap = skillsGap({ heldSkills: [LAY_BRICKS], occupation: BRICKLAYER, lang: 'fr' });
  t.equal(gap.occupation.label, 'maçon/maçonne');
  t.same(gap.essential.covered, [{ uri: LAY_BRICKS, label: 'poser des briques' }]);
  t.equal(skillsGap({ heldSkills: [LAY_BRICKS], occupation: BRICKLAYER, lang: 'es' }).essential.covered[0]?.label, 'colocar ladrillos');
});

t.test('skills outside the catalogue are reported, not fatal', async (t) => {
  const stranger = skill('00000000-0000-0000-0000-000000000000');
  const gap = skillsGap({ heldSkills: [LAY_BRICKS, stranger, 'not-a-uri'], occupation: BRICKLAYER });
  t.same(gap.unknownSkills, [stranger, 'not-a-uri']);
  t.equal(gap.essential.covered.length, 1);
});

t.test('skills ESCO links without a recovered URI are listed as not assessed, outside the ratio', async (t) => {
  // ESCO 1.2.0 gives the cattle breeder "breed cattle", a skill that is not in the ESCO 1.0 files its URI came from.
  const gap = skillsGap({ heldSkills: [], occupation: '6121.1' });
  t.ok(gap.essential.notAssessed.includes('breed cattle'));
  t.ok(gap.essential.missing.every((s) => s.label !== 'breed cattle'));
  t.equal(gap.essential.missing.length, 26);
  t.equal(gap.coverage.essential, 0);
});

t.test('unknown occupation and invalid input', async (t) => {
  t.throws(() => skillsGap({ heldSkills: [], occupation: 'http://data.europa.eu/esco/occupation/nope' }), {
    code: 'unknown-occupation',
    status: 404,
  });
  t.throws(() => skillsGap({ heldSkills: 'lay bricks' as unknown as string[], occupation: BRICKLAYER }), {
    code: 'invalid-skills',
    status: 400,
  });
  t.throws(() => skillsGap({ heldSkills: [], occupation: BRICKLAYER, lang: 'de' as 'en' }), {
    code: 'unsupported-language',
  });
});
