/**
 * npm run fuzz: the long fuzz run (test/fuzz/fuzz.test.ts is the short one). FUZZ_RUNS hostile requests through
 * app.inject (default 50,000), then FUZZ_HTTP_REQUESTS over a real socket with oversized headers (default 1,000), while
 * another thread pings GET /health/live over the socket the whole time. Prints a summary; exits 1 on any failure.
 * FUZZ_SEED sets the seed (printed); FUZZ_SEED=<seed> FUZZ_PATH=<run> replays one failing request.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import { fuzzSession, stillBehaves } from '../test/helpers/fuzz/session.js';
import { FuzzStats, HealthProbe, remoteAddressOf, runFuzz, runOverHttp, sendInject } from '../test/helpers/fuzz/harness.js';
import { requestArbitrary } from '../test/helpers/fuzz/requests.js';

const seed = Number(process.env.FUZZ_SEED ?? 9_092_026);
const runs = Number(process.env.FUZZ_RUNS ?? 50_000);
const httpRequests = Number(process.env.FUZZ_HTTP_REQUESTS ?? 1_000);
const path = process.env.FUZZ_PATH;
const HEALTH_P99_MS = 200;

const teardowns: Array<() => unknown> = [];
const session = await fuzzSession({ teardown: (fn) => teardowns.push(fn) });
await session.ctx.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = session.ctx.app.server.address() as { port: number };
console.log(`fuzz: ${session.routes.length} routes, seed ${seed}, ${path !== undefined ? `replaying path ${path}` : `${runs} requests through inject, ${httpRequests} over HTTP`}`);

const stats = new FuzzStats();
const probe = new HealthProbe(port, 10);
// The main thread's own view: how long its event loop was held (a slow /health with a free loop means a busy machine).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const started = Date.now();
let lastReport = started;
await runFuzz(requestArbitrary(session.routes, session.targets), stats, {
  numRuns: path !== undefined ? 1 : runs, seed, ...(path !== undefined ? { path } : {}), mode: 'collect',
  send: (request, run) => {
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      console.log(`  ${stats.requests} requests, ${((lastReport - started) / 1000).toFixed(0)} s, ${stats.failures.length} failures`);
    }
    return sendInject(session.ctx.app, request, remoteAddressOf(run));
  },
});
const injectHealth = await probe.stop();
// Generated before the probe starts: generating a thousand requests holds this thread for about a second.
loopDelay.disable();
const httpBatch = path !== undefined ? [] : [
  ...fc.sample(requestArbitrary(session.routes, session.targets, { oversizedHeaders: true }), { numRuns: httpRequests / 2, seed: seed + 1 }),
  ...fc.sample(requestArbitrary(session.routes, session.targets, { heavyOnly: true }), { numRuns: httpRequests / 2, seed: seed + 2 }),
];
loopDelay.enable();
const httpProbe = new HealthProbe(port, 10);
const httpFailures = await runOverHttp(port, httpBatch, stats);
const httpHealth = await httpProbe.stop();
loopDelay.disable();
const seconds = (Date.now() - started) / 1000;
const afterwards = await stillBehaves(session);

const sorted = <K>(map: Map<K, number>) => [...map].sort((a, b) => b[1] - a[1]);
console.log(`\n${stats.requests} requests in ${seconds.toFixed(1)} s (${(stats.requests / seconds).toFixed(0)}/s), seed ${seed}`);
console.log('\nrequests per route:');
for (const [route, count] of [...stats.perRoute].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${String(count).padStart(6)}  ${route}`);
const unreached = session.routes.map((r) => `${r.method} ${r.path}`).filter((r) => !stats.perRoute.has(r));
if (unreached.length > 0) console.log(`  not reached: ${unreached.join(', ')}`);
console.log(`\ninput kinds: ${sorted(stats.perKind).map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
console.log(`statuses: ${[...stats.statuses].sort((a, b) => a[0] - b[0]).map(([status, count]) => `${status}: ${count}`).join(', ')}`);
console.log(`5xx: ${stats.serverErrors}`);
console.log(`prototypes (Object, Array, Function): ${stats.prototypeChanges.length === 0 ? 'unchanged' : stats.prototypeChanges.join(', ')}`);
for (const [phase, health] of [['inject', injectHealth], ['HTTP', httpHealth]] as const) {
  console.log(`/health over the socket during the ${phase} requests: ${health.count} pings, p50 ${health.p50.toFixed(1)} ms, p99 ${health.p99.toFixed(1)} ms, max ${health.max.toFixed(1)} ms, not 200: ${health.notOk}${health.notOk > 0 ? ` (statuses ${health.notOkStatuses.join(', ')})` : ''}`);
}
console.log(`main-thread event-loop delay: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
console.log(`slowest requests: ${stats.slowest.map((r) => `${r.ms.toFixed(0)} ms ${r.what}`).join('; ')}`);
console.log(`afterwards: ${afterwards.length === 0 ? 'ordinary requests answered as usual' : afterwards.join('; ')}`);

const failures = [...stats.failures, ...httpFailures];
// The latency target is judged on the HTTP phase, whose requests are generated before the probe starts. In the inject
// phase fast-check builds each hostile request (bodies of megabytes, deep nesting) on the server's own thread, so its
// /health figures measure the generator as much as the service: printed, not judged. Every /health must still be 200.
const healthFailed = httpHealth.p99 >= HEALTH_P99_MS || injectHealth.notOk > 0 || httpHealth.notOk > 0;
if (failures.length > 0) {
  console.log(`\n${failures.length} failing requests (first 20):`);
  for (const failure of failures.slice(0, 20)) console.log(`- ${failure.slice(0, 1500)}`);
}
const failed = failures.length > 0 || stats.serverErrors > 0 || stats.prototypeChanges.length > 0 || healthFailed || afterwards.length > 0;
console.log(failed ? '\nFUZZ FAILED' : '\nfuzz passed');
for (const fn of teardowns.reverse()) await fn();
process.exit(failed ? 1 : 0);
