import fs from 'node:fs';
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

/**
 * CPU time used so far by each thread of this process, in clock ticks (Linux: /proc/self/task/<tid>/stat, utime +
 * stime). CPU time, unlike latency, does not grow when the machine is busy: the test judges where the work ran.
 */
function cpuTicksPerThread(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // After the command name, utime and stime are the 12th and 13th fields (14 and 15 of the whole line).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(Number(tid), Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

const VERIFICATIONS = 4;

t.test('an expensive credential is checked off the event loop, and /health answers meanwhile', { skip: fs.existsSync('/proc/self/task') ? false : 'needs Linux /proc to read one thread\'s CPU time' }, async (t) => {
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
  const before = cpuTicksPerThread();
  const started = performance.now();
  const responses: Response[] = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    responses.push(await fetch(`${base}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
  }
  const ms = performance.now() - started;
  const after = cpuTicksPerThread();
  poller.postMessage('stop');
  const latencies = await measured;
  t.same(responses.map((response) => response.status), responses.map(() => 200), 'the credential verifies each time');
  t.equal((await responses[0]!.json()).verified, true, 'and is valid');
  // The main thread (its thread id is the process id) only parses, loads and answers; checked inline it would also
  // expand, canonicalise and check the signature, using more CPU than any other thread (V8's helpers, the poller).
  const used = [...after].map(([tid, ticks]) => ({ tid, ticks: ticks - (before.get(tid) ?? 0) }));
  const mainTicks = used.find(({ tid }) => tid === process.pid)!.ticks;
  const busiestOther = Math.max(...used.filter(({ tid }) => tid !== process.pid).map(({ ticks }) => ticks));
  t.ok(mainTicks < busiestOther, `the main thread used less CPU than the thread that checked the proofs (${mainTicks} against ${busiestOther} clock ticks)`);
  t.ok(latencies.length >= 1, '/health answered during the verifications');
  // Latency depends on the machine's load, so it is reported, not judged (timings belong in npm run bench).
  t.comment(`${VERIFICATIONS} verifications in ${Math.round(ms)} ms; /health ${latencies.length} requests, slowest ${Math.round(Math.max(...latencies))} ms`);
});
