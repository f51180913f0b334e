import t from 'tap';
import { matchJobs, type AchievementOffer } from '../../src/skills/jobMatches.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';
const skill = (id: string) => `http://data.europa.eu/esco/skill/${id}`;
// The bricklaying credential of test/skills/gap.test.ts: five of the bricklayer's nineteen essential skills.
const HELD = [
  skill('13e1c0a2-b90d-46f4-be51-11730360b38d'), // lay bricks
  skill('3e3f2ff8-cf80-4415-ac6a-020d52b175c1'), // split bricks
  skill('b6239792-033c-41ba-b09b-21837655436a'), // check straightness of brick
  skill('ca309d1f-e080-42a3-b828-1c16e74aa9e7'), // finish mortar joints
  skill('bfd96453-f2fd-43ea-afc1-fb2dc0d7367d'), // mix construction grouts
];
const INTERPRET_2D_PLANS = 'interpret 2D plans';

t.test('a bricklayer\'s credentials match ISCO 7112 at home and abroad, with the missing essential skills', async (t) => {
  const result = matchJobs({ heldSkills: HELD, home: 'MA', abroad: 'BE' });
  const best = result.matches[0]!;
  t.equal(best.occupation.uri, BRICKLAYER, 'the bricklayer ranks first');
  t.equal(best.occupation.iscoGroup, '7112');
  t.equal(best.coverage, 5 / 19);
  t.equal(best.missingEssential.length, 14);
  t.ok(best.missingEssential.some((s) => s.label === INTERPRET_2D_PLANS), 'names a missing essential skill');
  t.same(best.shortage.abroad.map((m) => [m.listId, m.nationalTitle]), [['be-wal-forem-2022', 'Maçon – Maçonne']], 'on Wallonia\'s list');
  t.same(best.shortage.home, [], 'Morocco has no list to be on');
  t.equal(result.home.data, 'none-published');
  t.equal(result.abroad.data, 'listed');

  const inLithuania = matchJobs({ heldSkills: HELD, home: 'LT', abroad: 'ES' }).matches[0]!;
  t.same(inLithuania.shortage.home.map((m) => m.listId), ['lt-uzt-2020'], 'a home list that names bricklayers');
  t.same(inLithuania.shortage.abroad, [], 'Spain\'s construction entries are not bricklayers');
});

t.test('ranking: coverage first, every match shares an essential skill', async (t) => {
  const { matches } = matchJobs({ heldSkills: HELD, limit: 50 });
  t.ok(matches.length > 1);
  for (let i = 1; i < matches.length; i++) t.ok(matches[i - 1]!.coverage >= matches[i]!.coverage, `ordered at ${i}`);
  t.ok(matches.every((m) => m.covered > 0 && m.covered + m.missingEssential.length === m.assessable));
});

t.test('achievements that certify a missing skill are named with their organisation', async (t) => {
  const missing = matchJobs({ heldSkills: HELD }).matches[0]!.missingEssential.find((s) => s.label === INTERPRET_2D_PLANS)!;
  const offer: AchievementOffer = { organisationId: 'org-1', organisationName: 'Centre BTP Casablanca', achievementId: 'plans', name: 'Reading plans', skills: [missing.uri] };
  const unrelated: AchievementOffer = { ...offer, achievementId: 'other', skills: [HELD[0]!] };
  const withOffers = matchJobs({ heldSkills: HELD, offers: [offer, unrelated] }).matches[0]!;
  t.same(withOffers.missingEssential.find((s) => s.uri === missing.uri)!.offeredBy, [offer]);
  t.ok(withOffers.missingEssential.filter((s) => s.uri !== missing.uri).every((s) => s.offeredBy.length === 0));
});

t.test('no skills, no matches; labels in the requested language; unknown countries say so', async (t) => {
  t.same(matchJobs({ heldSkills: [] }).matches, []);
  t.equal(matchJobs({ heldSkills: HELD, lang: 'fr' }).matches[0]!.occupation.label, 'maçon/maçonne');
  const result = matchJobs({ heldSkills: HELD, home: 'fr' });
  t.same([result.home.country, result.home.data, result.abroad.data], ['FR', 'no-data', 'no-data']);
  t.throws(() => matchJobs({ heldSkills: HELD, abroad: 'Spain' }), { code: 'invalid-country', status: 400 });
});
