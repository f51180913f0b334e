import t from 'tap';
import Fastify from 'fastify';
import { errorHandler } from '../../src/http/problems.js';
import frameworkRoutes from '../../src/routes/frameworks.js';

async function app() {
  const server = Fastify();
  server.setErrorHandler(errorHandler);
  await server.register(frameworkRoutes);
  return server;
}

t.test('GET /frameworks lists the frameworks', async (t) => {
  const server = await app();
  const res = await server.inject('/frameworks');
  t.equal(res.statusCode, 200);
  const ids = res.json().frameworks.map((f: { id: string }) => f.id);
  t.ok(ids.includes('ma-cnc') && ids.includes('cefr') && ids.length === 18);
});

t.test('GET /frameworks/:id and /levels/:code', async (t) => {
  const server = await app();
  const fw = await server.inject('/frameworks/eqf');
  t.equal(fw.json().levels[3].uri, 'http://data.europa.eu/snb/eqf/4');
  const level = await server.inject('/frameworks/de-dqr/levels/4');
  t.equal(level.json().ref, 'de-dqr:4');
  t.same(level.json().relations.map((e: { to: string }) => e.to), ['eqf:4']);
  const missing = await server.inject('/frameworks/de-dqr/levels/9');
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'unknown-level');
  t.equal((await server.inject('/frameworks/xx')).json().code, 'unknown-framework');
});

t.test('GET /recognition by framework or by country', async (t) => {
  const server = await app();
  const byId = await server.inject('/recognition?from=ma-cnc:4&to=es-mecu&lang=fr');
  t.equal(byId.statusCode, 200);
  t.equal(byId.json().basis, 'indicative');
  t.match(byId.json().explanation, /correspondance indicative/);
  const byCountry = await server.inject('/recognition?from=ma-cnc:4&country=ES');
  t.same(byCountry.json().levels.map((l: { ref: string }) => l.ref), ['es-mecu:4']);
  const none = await server.inject('/recognition?from=cefr:B1&to=eqf');
  t.equal(none.json().outcome, 'none');
  t.equal((await server.inject('/recognition?from=ma-cnc:4')).json().code, 'missing-recognition-target');
  t.equal((await server.inject('/recognition?from=ma-cnc:4&country=BE')).json().code, 'ambiguous-country');
  t.equal((await server.inject('/recognition?from=ma-cnc:4&country=ZZ')).json().code, 'unknown-country');
});
