import fs from 'node:fs';
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

t.test('an expensive credential\'s proof is checked off the event loop', { skip: fs.existsSync('/proc/self/task') ? false : 'needs Linux /proc to read each thread\'s CPU time' }, async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: heavyCredential(), options: { issuer: 'organisation' } } });
  t.equal(issued.statusCode, 201, 'the heavy credential is allowed');
  const body = JSON.stringify({ verifiableCredential: issued.json().verifiableCredential });
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const threadsBeforeVerifying = new Set(cpuTicksPerThread().keys());
  // Warm up: the first verification starts the pool, so what is measured below is verification only.
  await fetch(`${base}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const before = cpuTicksPerThread();
  const responses: Response[] = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    responses.push(await fetch(`${base}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
  }
  const after = cpuTicksPerThread();
  t.same(responses.map((response) => response.status), responses.map(() => 200), 'the credential verifies each time');
  t.equal((await responses[0]!.json()).verified, true, 'and is valid');
  // The main thread (its thread id is the process id) only parses, loads documents and answers; checked inline it
  // would also expand, canonicalise and check the signature. Threads started by verifying are the pool's.
  const used = (tid: number) => after.get(tid)! - (before.get(tid) ?? 0);
  const mainTicks = used(process.pid);
  const poolTicks = [...after.keys()].filter((tid) => !threadsBeforeVerifying.has(tid)).reduce((sum, tid) => sum + used(tid), 0);
  t.ok(mainTicks < poolTicks, `the main thread used less CPU than the threads verifying started (${mainTicks} against ${poolTicks} clock ticks)`);
});
