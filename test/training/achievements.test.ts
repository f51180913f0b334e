import t from 'tap';
import { buildTestApp, BASE_URL } from '../helpers/app.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;

t.test('an achievement is created, published at its URL, listed, and updated as a new version', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('ofppt-casa');
  const created = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  t.equal(created.statusCode, 201, 'created status', { body: created.body });
  t.equal(created.headers.location, '/orgs/ofppt-casa/achievements/macon-cnc3');
  const body = created.json() as Json;
  t.equal(body.version, 1);
  t.equal(body.url, `${BASE_URL}/orgs/ofppt-casa/achievements/macon-cnc3`);

  const published = await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/achievements/macon-cnc3' });
  t.equal(published.statusCode, 200);
  t.match(published.headers['content-type'], /application\/ld\+json/);
  const achievement = published.json() as Json;
  t.same(achievement['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
  t.equal(achievement.id, `${BASE_URL}/orgs/ofppt-casa/achievements/macon-cnc3`);
  t.same(achievement.type, ['Achievement']);
  t.same(achievement.name[0], { '@value': 'Maçon qualifié', '@language': 'fr' }, 'default language first');
  t.equal(achievement.name.length, 3);
  t.equal(achievement.inLanguage, 'fr');
  t.equal(achievement.version, '1');
  const alignments = achievement.alignment as Json[];
  t.match(alignments.find((a) => a.targetUrl === 'http://data.europa.eu/snb/eqf/3'), { targetFramework: 'EQF', targetCode: '3' });
  t.match(alignments.find((a) => a.targetFramework === 'CNC'), { targetCode: '3' });
  t.match(alignments.find((a) => a.targetType === 'ceasn:Competency'), { targetFramework: 'ESCO', targetUrl: MASONRY_ACHIEVEMENT.skills[0] });
  t.match(alignments.find((a) => a.targetFramework === 'ISCO-08'), { targetCode: '7112', targetUrl: 'http://data.europa.eu/esco/isco/C7112' });
  t.match(alignments.find((a) => a.targetFramework === 'ESCO' && a.targetCode === '7112.1'), { targetUrl: /esco\/occupation\// });
  t.equal(achievement.resultDescription[0].rubricCriterionLevel.length, 2);
  t.equal(achievement.resultDescription[0].requiredLevel, `${achievement.id}#result-practical-level-pass`);
  t.equal(achievement.creditsAvailable, 12);
  t.same(achievement['http://data.europa.eu/snb/model/elm/volumeOfLearning'], { '@value': 'PT420H', '@type': 'http://www.w3.org/2001/XMLSchema#duration' });

  const updated = await ctx.app.inject({
    method: 'PUT', url: '/orgs/ofppt-casa/achievements/macon-cnc3', headers: auth,
    payload: { ...MASONRY_ACHIEVEMENT, id: undefined, hours: 450 },
  });
  t.equal(updated.statusCode, 200, 'updated status', { body: updated.body });
  t.equal(updated.json().version, 2);
  const latest = (await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/achievements/macon-cnc3' })).json() as Json;
  t.equal(latest.version, '2');
  t.equal(latest['http://data.europa.eu/snb/model/elm/volumeOfLearning']['@value'], 'PT450H');
  const first = (await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/achievements/macon-cnc3?version=1' })).json() as Json;
  t.equal(first['http://data.europa.eu/snb/model/elm/volumeOfLearning']['@value'], 'PT420H', 'earlier versions stay published');
  const versions = (await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/achievements/macon-cnc3/versions' })).json() as Json[];
  t.same(versions.map((v) => v.version), [1, 2]);

  const list = (await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/achievements' })).json() as Json[];
  t.same(list.map((a) => [a.id, a.version]), [['macon-cnc3', 2]]);

  const again = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'achievement-exists');
});

t.test('unknown levels, ESCO skills and occupations are refused together, each named', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer('ofppt-casa');
  const response = await ctx.app.inject({
    method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth,
    payload: {
      ...MASONRY_ACHIEVEMENT,
      levels: [{ targetUrl: 'http://data.europa.eu/snb/eqf/9' }],
      skills: ['http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000'],
      occupation: '71',
    },
  });
  t.same(problemOf(response), { status: 400, code: 'invalid-achievement' });
  t.match(response.headers['content-type'], /application\/problem\+json/);
  const problem = response.json() as Json;
  t.equal(problem.code, 'invalid-achievement');
  t.same(problem.errors.map((e: Json) => e.code), ['unknown-framework-level', 'unknown-esco-skill', 'not-an-isco-unit-group']);
  t.match(problem.detail, /eqf\/9/);
  t.match(problem.detail, /00000000-0000-0000-0000-000000000000/);
  t.match(problem.detail, /7112|unit group/);

  const occupation = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: { ...MASONRY_ACHIEVEMENT, occupation: 'http://data.europa.eu/esco/occupation/nope' } });
  t.equal(occupation.json().errors[0].code, 'unknown-esco-occupation');
  const isco = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: { ...MASONRY_ACHIEVEMENT, occupation: '9999' } });
  t.equal(isco.json().errors[0].code, 'unknown-isco-group');
  const language = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: { ...MASONRY_ACHIEVEMENT, language: 'es' } });
  t.same(language.json().errors.map((e: Json) => e.code).slice(0, 3), ['missing-default-language', 'missing-default-language', 'missing-default-language']);
  const rubric = await ctx.app.inject({
    method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth,
    payload: { ...MASONRY_ACHIEVEMENT, resultDescriptions: [{ ...MASONRY_ACHIEVEMENT.resultDescriptions[0], requiredLevel: 'excellent' }] },
  });
  t.equal(rubric.json().errors[0].code, 'unknown-rubric-level');
  const shape = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: { ...MASONRY_ACHIEVEMENT, shoeSize: 42 } });
  t.equal(shape.statusCode, 400);
  t.equal(shape.json().code, 'invalid-request');
});

t.test('managing the catalogue needs the organisation\'s own token; reading it does not', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.issuer('ofppt-casa');
  const other = await ctx.issuer('anapec-rabat');
  const foreign = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: other.auth, payload: MASONRY_ACHIEVEMENT });
  t.same(problemOf(foreign), { status: 403, code: 'forbidden' });
  const anonymous = await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', payload: MASONRY_ACHIEVEMENT });
  t.same(problemOf(anonymous), { status: 401, code: 'unauthorized' });
  const missing = await ctx.app.inject({ method: 'GET', url: '/orgs/ofppt-casa/achievements/nothing-here' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'unknown-achievement');
});

t.test('options.achievement builds an OpenBadgeCredential from the catalogue that verifies in every format', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer('ofppt-casa');
  await ctx.app.inject({ method: 'POST', url: '/orgs/ofppt-casa/achievements', headers: auth, payload: MASONRY_ACHIEVEMENT });
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt']) {
    const issued = await ctx.app.inject({
      method: 'POST', url: '/credentials/issue', headers: auth,
      payload: {
        credential: { credentialSubject: { id: 'did:example:worker-7', result: [{ type: ['Result'], resultDescription: `${BASE_URL}/orgs/ofppt-casa/achievements/macon-cnc3#result-practical`, achievedLevel: `${BASE_URL}/orgs/ofppt-casa/achievements/macon-cnc3#result-practical-level-merit` }] } },
        options: { achievement: 'macon-cnc3', format },
      },
    });
    t.equal(issued.statusCode, 201, 'issued status', { body: issued.body });
    const vc = issued.json().verifiableCredential as Json;
    if (format !== 'vc+jwt') {
      t.same(vc['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
      t.same(vc.type, ['VerifiableCredential', 'OpenBadgeCredential']);
      t.equal(vc.issuer, did);
      t.equal(vc.name, 'Maçon qualifié');
      t.equal(vc.credentialSubject.id, 'did:example:worker-7');
      t.same(vc.credentialSubject.type, ['AchievementSubject']);
      t.equal(vc.credentialSubject.achievement.id, `${BASE_URL}/orgs/ofppt-casa/achievements/macon-cnc3`);
    }
    const verified = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } });
    t.equal(verified.statusCode, 200, `${format}: verified`, { body: verified.body.slice(0, 300) });
    t.equal(verified.json().verified, true);
  }
  const unknown = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: {}, options: { achievement: 'plombier' } } });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'unknown-achievement');
  const conflict = await ctx.app.inject({
    method: 'POST', url: '/credentials/issue', headers: auth,
    payload: { credential: { credentialSubject: { achievement: { id: 'urn:x' } } }, options: { achievement: 'macon-cnc3' } },
  });
  t.equal(conflict.statusCode, 400);
  t.equal(conflict.json().code, 'achievement-conflict');
});
