import t from 'tap';
import Fastify from 'fastify';
import { errorHandler } from '../../src/http/problems.js';
import skillRoutes from '../../src/routes/skills.js';
import { problemOf } from '../helpers/problems.js';

const BRICKLAYER = 'http://data.europa.eu/esco/occupation/05f321f8-055b-407d-bf19-e0ddabda56b7';
const LAY_BRICKS = 'http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d';

// The skill routes on their own, with the service's problem+json handler.
async function build() {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false } } });
  app.setErrorHandler(errorHandler);
  await app.register(skillRoutes);
  return app;
}

t.test('skill and occupation routes', async (t) => {
  const app = await build();
  t.teardown(() => app.close());

  const search = await app.inject({ url: '/occupations?q=macon&lang=es&limit=2' });
  t.equal(search.statusCode, 200);
  const { results } = search.json();
  t.equal(results.length, 2);
  t.equal(results[0].uri, BRICKLAYER);
  t.equal(results[0].label, 'albañil');

  t.equal((await app.inject({ url: '/skills?q=poser%20des%20briques' })).json().results[0].uri, LAY_BRICKS);
  t.equal((await app.inject({ url: `/skills/lookup?uri=${encodeURIComponent(LAY_BRICKS)}` })).json().labels.en, 'lay bricks');
  t.equal((await app.inject({ url: '/occupations/7112.1' })).json().uri, BRICKLAYER);
  t.equal((await app.inject({ url: '/occupations/9211' })).json().labels.en, 'Crop farm labourers');
  t.equal((await app.inject({ url: '/isco/7112' })).json().labels.fr, 'Maçons');
  t.equal((await app.inject({ url: '/isco' })).json().groups.length, 619);

  const gap = await app.inject({
    method: 'POST',
    url: '/skills/gap',
    payload: { skills: [LAY_BRICKS], occupation: '7112.1', lang: 'fr' },
  });
  t.equal(gap.statusCode, 200);
  t.same(gap.json().essential.covered, [{ uri: LAY_BRICKS, label: 'poser des briques' }]);
  t.equal(gap.json().essential.missing.length, 18);
});

t.test('errors: not found, invalid input', async (t) => {
  const app = await build();
  t.teardown(() => app.close());

  const unknownOccupation = await app.inject({ url: '/occupations/9999.9' });
  t.equal(unknownOccupation.statusCode, 404);
  t.equal(unknownOccupation.json().code, 'unknown-occupation');
  const unknownSkill = await app.inject({ url: '/skills/lookup?uri=http://data.europa.eu/esco/skill/nope' });
  t.equal(unknownSkill.json().code, 'unknown-skill');
  t.same(problemOf(await app.inject({ url: '/isco/9999' })), { status: 404, code: 'unknown-isco-group' });
  t.equal((await app.inject({ url: '/occupations?q=macon&limit=500' })).json().code, 'invalid-limit');
  t.same(problemOf(await app.inject({ url: '/occupations?q=macon&lang=de' })), { status: 400, code: 'invalid-request' });
  const arabic = await app.inject({ url: '/occupations?q=macon&lang=ar' });
  t.same(problemOf(arabic), { status: 400, code: 'invalid-request' });
  t.match(arabic.json().detail, '(en, fr, es)', 'the answer lists the languages it has');
  t.same(problemOf(await app.inject({ url: '/occupations' })), { status: 400, code: 'invalid-request' });
  const badGap = await app.inject({ method: 'POST', url: '/skills/gap', payload: { skills: 'lay bricks', occupation: '7112.1' } });
  t.same(problemOf(badGap), { status: 400, code: 'invalid-request' });
});
