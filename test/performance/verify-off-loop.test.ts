import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';

type Json = Record<string, any>;

/** An Open Badges credential close to the property limit: allowed, and the most expensive kind to verify. */
function heavyCredential(): Json {
  const credential = openBadgeCredential() as Json;
  credential.credentialSubject.achievement.alignment = Array.from({ length: 1_300 }, (_, i) => ({
    type: ['Alignment'], targetName: `Skill ${i}`, targetUrl: `https://example.org/skills/${i}`, targetFramework: 'Example skills', targetCode: String(i),
  }));
  return credential;
}

t.test('/health answers within 200 ms while an expensive credential is verified', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: heavyCredential(), options: { issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201, 'the heavy credential is allowed');
  const body = JSON.stringify({ verifiableCredential: issued.json().verifiableCredential });
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  // Warm the pool (the first task starts a thread) so that what is measured is verification.
  await fetch(`${base}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  // /health is asked from another thread: a client on the server's own event loop would stall with it and not notice.
  const poller = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const latencies = [];
    let stop = false;
    parentPort.on('message', () => { stop = true; });
    (async () => {
      await (await fetch(workerData.url)).arrayBuffer();
      parentPort.postMessage('ready');
      while (!stop) {
        const sent = performance.now();
        await (await fetch(workerData.url)).arrayBuffer();
        latencies.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      parentPort.postMessage(latencies);
    })();
  `, { eval: true, execArgv: [], workerData: { url: `${base}/health` } });
  t.teardown(() => poller.terminate());
  // The poller's first request (a cold fetch in a new thread) is its own warm-up, not part of the measurement.
  await new Promise((resolve) => poller.once('message', resolve));
  const measured = new Promise<number[]>((resolve) => poller.once('message', resolve));
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const started = performance.now();
  const response = await fetch(`${base}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const ms = performance.now() - started;
  loopDelay.disable();
  poller.postMessage('stop');
  const latencies = await measured;
  t.equal(response.status, 200, 'the credential verifies');
  t.ok(latencies.length >= 5, `/health was asked ${latencies.length} times around a ${Math.round(ms)} ms verification`);
  const worst = Math.max(...latencies);
  t.ok(worst < 200, `slowest /health during verification: ${Math.round(worst)} ms`);
  t.comment(`verification ${Math.round(ms)} ms; /health ${latencies.length} requests, slowest ${Math.round(worst)} ms; event loop delay max ${Math.round(loopDelay.max / 1e6)} ms`);
});

