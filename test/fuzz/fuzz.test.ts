/**
 * Hostile requests against every route of /openapi.json and every page (test/helpers/fuzz/). The short run here is part of
 * `npm test`; `npm run fuzz` (scripts/fuzz.ts) runs at least 50,000. A failure prints the fast-check seed and path:
 * FUZZ_SEED=<seed> FUZZ_PATH=<path> npx tap test/fuzz/fuzz.test.ts replays exactly that request. FUZZ_RUNS sets the count.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import t from 'tap';
import fc from 'fast-check';
import { fuzzSession, stillBehaves } from '../helpers/fuzz/session.js';
import { FuzzStats, HealthProbe, remoteAddressOf, runFuzz, runOverHttp, sendInject } from '../helpers/fuzz/harness.js';
import { requestArbitrary } from '../helpers/fuzz/requests.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
/** The latency part: this many hostile requests over a real socket, four at a time, while /health/live (no database access: the event loop alone) is pinged from another thread. */
const LATENCY_REQUESTS = Number(process.env.FUZZ_LATENCY_REQUESTS ?? 400);

t.test('hostile requests on every route: no 5xx, problem+json errors, prototypes untouched, the process still behaves', async (t) => {
  const session = await fuzzSession(t);
  t.ok(session.routes.length >= 60, `fuzzing ${session.routes.length} routes`);
  const stats = new FuzzStats();
  const started = Date.now();
  await runFuzz(requestArbitrary(session.routes, session.targets), stats, {
    numRuns: RUNS, seed: SEED, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}), mode: 'throw',
    send: (request, run) => sendInject(session.ctx.app, request, remoteAddressOf(run)),
  });
  t.comment(`${stats.requests} requests on ${stats.perRoute.size} routes in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}`);
  t.equal(stats.serverErrors, 0, 'no 5xx');
  t.same(stats.prototypeChanges, [], 'Object, Array and Function prototypes unchanged');
  if (!process.env.FUZZ_PATH) t.ok(stats.perRoute.size >= session.routes.length - 2, `requests reached ${stats.perRoute.size} of ${session.routes.length} routes`);
  t.same(await stillBehaves(session), [], 'ordinary requests still get ordinary answers');
});

// The /health latency is printed here, not judged: in npm test other test files share the cores, so a figure would say
// more about them than about this server. `npm run fuzz` (in .ci/run, alone on the machine) judges its p99.
t.test('/health/live keeps answering 200 over a real socket while hostile requests run', async (t) => {
  const session = await fuzzSession(t);
  await session.ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = session.ctx.app.server.address() as { port: number };
  // Half on every route with oversized headers too (only a real socket enforces header limits), half on the routes that
  // verify or sign, where the expensive work is.
  const requests = [
    ...fc.sample(requestArbitrary(session.routes, session.targets, { oversizedHeaders: true }), { numRuns: LATENCY_REQUESTS / 2, seed: SEED + 1 }),
    ...fc.sample(requestArbitrary(session.routes, session.targets, { heavyOnly: true }), { numRuns: LATENCY_REQUESTS / 2, seed: SEED + 2 }),
  ];
  const probe = new HealthProbe(port, 10);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = Date.now();
  const stats = new FuzzStats();
  const failures = await runOverHttp(port, requests, stats);
  const health = await probe.stop();
  loopDelay.disable();
  // The main thread's own view tells a held event loop (the server's fault) from a busy machine (slow pings, free loop).
  t.comment(`main-thread event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms; slowest: ${stats.slowest.slice(0, 3).map((r) => `${r.ms.toFixed(0)} ms ${r.what}`).join('; ')}`);
  t.comment(`${requests.length} requests over HTTP in ${((Date.now() - started) / 1000).toFixed(1)} s; /health ${health.count} pings: p50 ${health.p50.toFixed(1)} ms, p99 ${health.p99.toFixed(1)} ms, max ${health.max.toFixed(1)} ms`);
  t.same(failures, [], 'every response over the socket holds the properties (prototypes included)');
  t.ok(health.count > 20, 'the probe ran throughout');
  t.equal(health.notOk, 0, 'every /health answer was 200');
});
