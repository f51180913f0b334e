import t from 'tap';
import Fastify from 'fastify';
import { errorHandler } from '../../src/http/problems.js';
import frameworkRoutes from '../../src/routes/frameworks.js';
import { BASE_URL } from '../helpers/app.js';
import jsonld from 'jsonld';

const SKOS = 'http://www.w3.org/2004/02/skos/core#';

async function app() {
  const server = Fastify();
  server.setErrorHandler(errorHandler);
  await server.register(frameworkRoutes, { baseUrl: BASE_URL });
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
  const byId = await server.inject('/recognition?from=de-dqr:4&to=es-mecu&lang=fr');
  t.equal(byId.statusCode, 200);
  t.equal(byId.json().basis, 'official-referencing');
  t.match(byId.json().explanation, /^Officiel : /);
  const byCountry = await server.inject('/recognition?qualificationType=ma-technicien&country=ES');
  t.same(byCountry.json().levels.map((l: { ref: string }) => l.ref), ['es-mecu:3', 'es-mecu:4']);
  t.equal(byCountry.json().basis, 'credential-evaluation-body');
  const cncLevel = await server.inject('/recognition?from=ma-cnc:4&country=ES');
  t.equal(cncLevel.json().outcome, 'none', 'a national level number is not a placement');
  const language = await server.inject('/recognition?from=cefr:B1&to=eqf');
  t.equal(language.json().outcome, 'not-comparable');
  t.equal((await server.inject('/recognition?from=ma-cnc:4')).json().code, 'missing-recognition-target');
  t.equal((await server.inject('/recognition?from=ma-cnc:4&country=BE')).json().code, 'ambiguous-country');
  t.equal((await server.inject('/recognition?from=ma-cnc:4&country=ZZ')).json().code, 'unknown-country');
});

t.test('a minted level URI resolves: JSON-LD SKOS concept in its framework scheme', async (t) => {
  const server = await app();
  const res = await server.inject({ url: '/frameworks/ma-cnc/levels/5', headers: { accept: 'application/ld+json' } });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/ld\+json/);
  t.match(res.headers.vary, /accept/i);
  const body = res.json();
  t.equal(body.uri, `${BASE_URL}/frameworks/ma-cnc/levels/5`);
  const [node] = await jsonld.expand(body);
  t.equal(node['@id'], `${BASE_URL}/frameworks/ma-cnc/levels/5`);
  t.same(node['@type'], [`${SKOS}Concept`]);
  t.same(node[`${SKOS}notation`], [{ '@value': '5' }]);
  const labels = node[`${SKOS}prefLabel`].map((l: { '@language': string }) => l['@language']).sort();
  t.same(labels, ['ar', 'en', 'es', 'fr'], 'a label per language');
  const [scheme] = node[`${SKOS}inScheme`];
  t.equal(scheme['@id'], `${BASE_URL}/frameworks/ma-cnc`);
  const schemeDoc = await server.inject({ url: '/frameworks/ma-cnc', headers: { accept: 'application/ld+json' } });
  const [schemeNode] = await jsonld.expand(schemeDoc.json());
  t.equal(schemeNode['@id'], `${BASE_URL}/frameworks/ma-cnc`);
  t.same(schemeNode['@type'], [`${SKOS}ConceptScheme`]);
  t.equal(schemeNode[`${SKOS}hasTopConcept`].length, 8);
});

t.test('EQF levels keep their official URIs; plain JSON stays the default', async (t) => {
  const server = await app();
  const res = await server.inject({ url: '/frameworks/eqf/levels/4', headers: { accept: 'application/json' } });
  t.match(res.headers['content-type'], /^application\/json/);
  t.equal(res.json().uri, 'http://data.europa.eu/snb/eqf/4');
  t.equal(res.json().inScheme.uri, `${BASE_URL}/frameworks/eqf`);
  t.match((await server.inject('/frameworks/eqf/levels/4')).headers['content-type'], /^application\/json/, 'no Accept: JSON');
});

t.test('a browser opening a level URI gets a page in its language', async (t) => {
  const server = await app();
  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const es = await server.inject({ url: '/frameworks/ma-cnc/levels/5?lang=es', headers: { accept: browser } });
  t.equal(es.statusCode, 200);
  t.match(es.headers['content-type'], /^text\/html/);
  t.match(es.body, /<html lang="es"/);
  t.match(es.body, /Marco de cualificaciones/);
  t.notMatch(es.body, /Qualifications framework/, 'no English labels');
  const ar = await server.inject({ url: '/frameworks/ma-cnc/levels/5', headers: { accept: browser, 'accept-language': 'ar' } });
  t.match(ar.body, /dir="rtl"/);
  const missing = await server.inject({ url: '/frameworks/ma-cnc/levels/9', headers: { accept: browser } });
  t.equal(missing.statusCode, 404);
  t.match(missing.body, /data-code="unknown-level"/);
});

t.test('recognition answers carry absolute level URIs that resolve', async (t) => {
  const server = await app();
  const answer = (await server.inject('/recognition?from=eqf:4&to=es-mecu')).json();
  t.equal(answer.levels[0].uri, `${BASE_URL}/frameworks/es-mecu/levels/4`);
  const back = (await server.inject('/recognition?from=es-mecu:4&to=eqf')).json();
  t.equal(back.levels[0].uri, 'http://data.europa.eu/snb/eqf/4', 'EQF keeps its official URI');
  t.equal((await server.inject(new URL(answer.levels[0].uri).pathname)).json().ref, 'es-mecu:4');
});
