import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { buildTestApp } from '../helpers/app.js';

/** The app with its log at `info` into an array of parsed lines. */
async function loggedApp(t: Test) {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const ctx = await buildTestApp(t);
  const app = await buildApp({ services: ctx.services, logger: { level: 'info', stream } as any });
  t.teardown(() => app.close());
  return { app, lines };
}

t.test('one log line per request, when it is answered, with the request and the answer', async (t) => {
  const { app, lines } = await loggedApp(t);
  await app.inject({ method: 'GET', url: '/health?lang=fr&token=secret-8f3a2b', remoteAddress: '203.0.113.7' });
  t.equal(lines.length, 1, 'one line');
  const [line] = lines;
  t.equal(line!.msg, 'request completed');
  t.equal(line!.req.method, 'GET', 'method');
  t.equal(line!.req.url, '/health?lang=fr&token=[redacted]', 'redacted URL');
  t.equal(line!.req.remoteAddress, '203.0.113.7', 'client address');
  t.equal(line!.res.statusCode, 200, 'status');
  t.type(line!.responseTime, 'number', 'time');
});

t.test('refused and unknown requests are logged alike', async (t) => {
  const { app, lines } = await loggedApp(t);
  await app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: '{"verifiableCredential": ' });
  await app.inject({ method: 'GET', url: '/no-such-route' });
  const completed = lines.filter((line) => line.msg === 'request completed');
  t.same(completed.map((line) => [line.req.url, line.res.statusCode]), [['/credentials/verify', 400], ['/no-such-route', 404]]);
});
