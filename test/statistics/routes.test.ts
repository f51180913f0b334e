import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { issueProgrammeCredentials } from '../fixtures/statistics.js';
import { MASONRY_ACHIEVEMENT } from '../fixtures/batches/cohort.js';

type Json = Record<string, any>;

t.test('statistics: organisation boundaries, access per kind, suppression, releases', async (t) => {
  const ctx = await buildTestApp(t);
  const { casa } = await issueProgrammeCredentials(ctx);
  const get = (url: string, headers: Json = {}) => ctx.app.inject({ method: 'GET', url, headers });
  const bearer = async (slug: string, kind: string) => {
    await ctx.createOrganisation(slug, { kind, country: 'ES' });
    return { authorization: `Bearer ${await ctx.tokenFor(slug)}` };
  };

  t.test('a training centre sees its own figures only, suppressed', async (t) => {
    const own = await get('/statistics?period=year&by=corridor,isco', casa);
    t.equal(own.statusCode, 200);
    const rows = own.json().rows.map((r: Json) => [r.keys.corridor, r.keys.isco, r.inForce, r.revoked, r.withheld]);
    t.same(rows, [['MA-ES', '7112', 11, 0, true], ['MA-ES', '7115', 0, 0, true]], 'its bricklayers shown, the revoked one and 3 carpenters withheld');
    t.notOk(JSON.stringify(own.json()).includes('SN-DE'), 'nothing of the Senegalese centre');
    t.equal((await get('/statistics?scope=all', casa)).json().code, 'forbidden', 'no figures across issuers');
    t.equal((await get('/statistics?k=12', casa)).json().total.inForce, 0, 'k=12 withholds the group of 11');
    t.equal((await get('/statistics?k=4', casa)).json().code, 'k-too-small');
    t.equal((await get('/statistics?by=holder', casa)).json().code, 'invalid-statistics-request');
    const csv = await get('/statistics?period=year&by=isco&iscoDigits=2&format=csv', casa);
    t.match(csv.headers['content-type'], /^text\/csv/);
    t.equal(csv.body, 'period,isco,in_force,revoked,withheld\r\n2026,71,11,0,true\r\n'.replace('2026', String(ctx.clock.now().getUTCFullYear())));
  });

  t.test('agencies, authorities and the administrator see every corridor; an employer its own', async (t) => {
    const everyCorridor = (body: Json) => body.rows.map((r: Json) => [r.keys.corridor, r.inForce]);
    const expected = [['MA-ES', 11], ['SN-DE', 10]];
    t.same(everyCorridor((await get('/statistics?period=year&by=corridor', await bearer('sepe-huelva', 'employment-agency'))).json()), expected, 'employment agency');
    t.same(everyCorridor((await get('/statistics?period=year&by=corridor', await bearer('enic-es', 'recognition-authority'))).json()), expected, 'recognition authority');
    t.same(everyCorridor((await get('/statistics?period=year&by=corridor', ctx.admin)).json()), expected, 'administrator');
    t.equal((await get('/statistics?scope=own', ctx.admin)).json().code, 'no-own-statistics');
    const employer = await bearer('fresas-sl', 'employer');
    t.same((await get('/statistics', employer)).json().rows, [], 'an employer issued nothing');
    t.equal((await get('/statistics?scope=all', employer)).statusCode, 403);
    t.equal((await get('/statistics')).statusCode, 401, 'no token, no live figures');
  });

  t.test('credentials issued one by one from the catalogue count like batch ones', async (t) => {
    const { auth } = await ctx.issuer('cfa-rabat', { country: 'MA' });
    await ctx.app.inject({ method: 'POST', url: '/orgs/cfa-rabat/achievements', headers: auth, payload: { ...MASONRY_ACHIEVEMENT, id: 'ouvrier-agricole', occupation: '6111', skills: [], levels: [{ targetFramework: 'es-mecu', targetCode: '1' }] } });
    for (let i = 0; i < 10; i++) {
      const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: { credentialSubject: { id: `did:example:worker-${i}` } }, options: { achievement: 'ouvrier-agricole' } } });
      t.equal(issued.statusCode, 201, `issued ${i}`);
    }
    const rows = (await get('/statistics?period=year&by=corridor,isco,route', auth)).json().rows;
    t.same(rows.map((r: Json) => [r.keys.corridor, r.keys.isco, r.keys.route, r.inForce]), [['MA-ES', '6111', 'training', 10]]);
  });

  t.test('the public sees what the administrator published', async (t) => {
    t.same((await get('/statistics/releases')).json(), { releases: [] });
    const refused = await ctx.app.inject({ method: 'POST', url: '/statistics/releases', headers: casa, payload: { title: 'x' } });
    t.equal(refused.statusCode, 403);
    const published = await ctx.app.inject({ method: 'POST', url: '/statistics/releases', headers: ctx.admin, payload: { title: 'Corridors 2026', period: 'quarter', by: 'corridor,isco' } });
    t.equal(published.statusCode, 201);
    const { id } = published.json();
    const listed = (await get('/statistics/releases')).json().releases;
    t.same(listed.map((r: Json) => [r.id, r.title, r.k, r.by]), [[id, 'Corridors 2026', 10, ['corridor', 'isco']]]);
    const release = (await get(`/statistics/releases/${id}`)).json();
    t.same(release.table.rows.map((r: Json) => [r.keys.corridor, r.keys.isco, r.inForce]), [['MA-ES', '6111', 10], ['MA-ES', '7112', 11], ['MA-ES', '7115', 0], ['SN-DE', '7115', 10]]);
    const spain = release.shortages.find((s: Json) => s.list.country === 'ES');
    t.ok(spain.list.url.startsWith('http') && spain.list.publisher, 'the shortage list with its source');
    t.same(spain.occupations.find((o: Json) => o.isco === '7115'), { isco: '7115', nationalTitle: spain.occupations.find((o: Json) => o.isco === '7115').nationalTitle, inForce: 0, withheld: true },
      'Spain\'s listed carpenters: 3 certified towards Spain, fewer than k');
    const germany = release.shortages.find((s: Json) => s.list.country === 'DE');
    t.notOk(germany.occupations.some((o: Json) => o.inForce > 0), 'no certified candidates for Germany\'s listed occupations');
    const csv = await get(`/statistics/releases/${id}?format=csv`);
    t.match(csv.body, /^period,corridor,isco,in_force,revoked,withheld\r\n/);
    t.equal((await get('/statistics/releases/nope')).json().code, 'unknown-statistics-release');
  });
});
