/**
 * Runs hostile requests against the app and checks what must hold for every one of them: no 5xx; every error is
 * problem+json with a string `code` (or, for a browser asking for HTML, an HTML error page; for the OpenID4VP
 * endpoints, OAuth's error JSON); the built-in prototypes keep their own properties. Requests go through app.inject
 * (fast, reproducible) or a real socket (oversized headers, latency).
 */
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { FuzzRequest } from './requests.js';

export interface FuzzResponse { status: number; contentType: string; body: string }

export async function sendInject(app: FastifyInstance, request: FuzzRequest, remoteAddress: string): Promise<FuzzResponse> {
  const response = await app.inject({
    method: request.method as 'GET', url: request.url, headers: request.headers, remoteAddress,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), body: response.body };
}

export function sendHttp(port: number, request: FuzzRequest, agent: http.Agent): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(request.payload);
  });
}

/** Own property names and values of the prototypes every object shares: a request that changes them poisons the process. */
const GUARDED = { 'Object.prototype': Object.prototype, 'Array.prototype': Array.prototype, 'Function.prototype': Function.prototype } as const;
type PrototypeSnapshot = Record<string, Map<string | symbol, unknown>>;

export function snapshotPrototypes(): PrototypeSnapshot {
  return Object.fromEntries(Object.entries(GUARDED).map(([name, proto]) => [name, new Map(Reflect.ownKeys(proto).map((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
    return [key, descriptor.value ?? descriptor.get];
  }))]));
}

/** What changed since the snapshot; puts every prototype back so that the run (and fast-check's shrinking) can go on. */
export function restorePrototypes(snapshot: PrototypeSnapshot): string[] {
  const changes: string[] = [];
  for (const [name, proto] of Object.entries(GUARDED)) {
    const before = snapshot[name]!;
    for (const key of Reflect.ownKeys(proto)) {
      if (!before.has(key)) {
        changes.push(`${name} gained ${String(key)}`);
        delete (proto as Record<string | symbol, unknown>)[key];
      }
    }
    for (const [key, value] of before) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (!descriptor) changes.push(`${name} lost ${String(key)}`);
      else if ((descriptor.value ?? descriptor.get) !== value) changes.push(`${name}.${String(key)} changed`);
    }
  }
  return changes;
}

const wantsHtml = (request: FuzzRequest) => (request.headers.accept ?? '').includes('text/html') && !(request.headers.accept ?? '').startsWith('application/json');

const VERIFY_ROUTES = new Set(['POST /credentials/verify', 'POST /presentations/verify']);

/** The VC-API answers a failed verification with 400 and the verification result (verified: false and its checks), by design. */
function isVerificationResult(request: FuzzRequest, response: FuzzResponse): boolean {
  if (!VERIFY_ROUTES.has(request.route) || response.status !== 400 || !response.contentType.startsWith('application/json')) return false;
  try {
    const body = JSON.parse(response.body) as { verified?: unknown; checks?: unknown };
    return body.verified === false && Array.isArray(body.checks);
  } catch {
    return false;
  }
}

/**
 * The wallet-facing OpenID4VP and OpenID4VCI endpoints answer errors in OAuth's format ({"error": "invalid_request",
 * ...}), as the specifications say, instead of problem+json.
 */
function isProtocolError(request: FuzzRequest, response: FuzzResponse): boolean {
  if (!/^[A-Z]+ \/oid4vp\/|\/oid4vci\//.test(request.route) || !response.contentType.startsWith('application/json')) return false;
  try {
    return typeof (JSON.parse(response.body) as { error?: unknown }).error === 'string';
  } catch {
    return false;
  }
}

/** The properties every response must have; an empty list means it passed. */
export function problemsWith(request: FuzzRequest, response: FuzzResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500 || response.status < 100) problems.push(`status ${response.status}`);
  if (response.status >= 400 && !isVerificationResult(request, response) && !isProtocolError(request, response)) {
    if (response.contentType.startsWith('application/problem+json')) {
      let code: unknown;
      try {
        code = (JSON.parse(response.body) as { code?: unknown }).code;
      } catch {
        problems.push('problem+json body is not JSON');
      }
      if (typeof code !== 'string' || code === '') problems.push('problem without a string code');
    } else if (!(wantsHtml(request) && response.contentType.startsWith('text/html'))) {
      problems.push(`error as "${response.contentType}", not application/problem+json`);
    }
  }
  return problems;
}

export function describe(request: FuzzRequest, response?: FuzzResponse): string {
  const payload = request.payload === undefined ? '' : Buffer.isBuffer(request.payload) ? `<${request.payload.length} bytes: ${request.payload.subarray(0, 120).toString('hex')}>` : request.payload.slice(0, 600);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v]));
  return [
    `${request.route} [${request.kind}] → ${request.method} ${request.url.slice(0, 300)}`,
    `headers ${JSON.stringify(headers)}`,
    ...(payload ? [`body (${request.payload!.length}) ${payload}`] : []),
    ...(response ? [`answered ${response.status} ${response.contentType}: ${response.body.slice(0, 400)}`] : []),
  ].join('\n  ');
}

/** Counts for the summary. */
export class FuzzStats {
  requests = 0;
  readonly perRoute = new Map<string, number>();
  readonly perKind = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  serverErrors = 0;
  prototypeChanges: string[] = [];
  readonly failures: string[] = [];

  /** The slowest requests (route, input kind, ms), longest first: where the event loop may have been held. */
  readonly slowest: Array<{ ms: number; what: string }> = [];

  record(request: FuzzRequest, response: FuzzResponse, ms = 0) {
    this.requests += 1;
    if (ms > (this.slowest[9]?.ms ?? 0)) {
      this.slowest.push({ ms, what: `${request.route} [${request.kind}] ${response.status}` });
      this.slowest.sort((a, b) => b.ms - a.ms).splice(10);
    }
    this.perRoute.set(request.route, (this.perRoute.get(request.route) ?? 0) + 1);
    const kind = request.kind.split('+')[0] || 'other';
    this.perKind.set(kind, (this.perKind.get(kind) ?? 0) + 1);
    this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) this.serverErrors += 1;
  }
}

/** Addresses spread over the run, so that per-address rate and guess limits do not turn most requests into 429s. */
export const remoteAddressOf = (run: number) => `10.${(run >> 16) & 255}.${(run >> 8) & 255}.${run & 255}`;

export interface RunOptions {
  numRuns: number;
  seed: number;
  path?: string;
  /** collect: go on after a failure and list them all (long run); throw: stop, shrink and throw with seed and path (test). */
  mode: 'collect' | 'throw';
  send: (request: FuzzRequest, run: number) => Promise<FuzzResponse>;
}

/**
 * One fast-check run per request. In collect mode the property never fails, so the failing run's path is its index:
 * FUZZ_SEED=<seed> FUZZ_PATH=<index> replays exactly that request.
 */
export async function runFuzz(arbitrary: fc.Arbitrary<FuzzRequest>, stats: FuzzStats, options: RunOptions): Promise<void> {
  const baseline = snapshotPrototypes();
  let run = options.path !== undefined ? Number(options.path.split(':')[0]) : 0;
  const property = fc.asyncProperty(arbitrary, async (request) => {
    const index = run;
    run += 1;
    let response: FuzzResponse;
    const started = performance.now();
    try {
      response = await options.send(request, index);
    } catch (error) {
      response = { status: 0, contentType: '', body: `request failed: ${(error as Error).message}` };
    }
    stats.record(request, response, performance.now() - started);
    const problems = problemsWith(request, response);
    const changes = restorePrototypes(baseline);
    if (changes.length > 0) {
      stats.prototypeChanges.push(...changes);
      problems.push(`prototype changed: ${changes.join(', ')}`);
    }
    if (problems.length === 0) return;
    const report = `${problems.join('; ')}\n  ${describe(request, response)}`;
    if (options.mode === 'throw') throw new Error(report);
    stats.failures.push(`run ${index} (FUZZ_SEED=${options.seed} FUZZ_PATH=${index}): ${report}`);
  });
  await fc.assert(property, {
    numRuns: options.numRuns, seed: options.seed, ...(options.path !== undefined ? { path: options.path } : {}),
    // The counterexample itself can be a megabyte: the error above already describes it, shortened.
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`fuzz failure after ${details.numRuns} runs (${details.numShrinks} shrinks); replay with FUZZ_SEED=${details.seed} FUZZ_PATH="${details.counterexamplePath}"\n${cause}`);
    },
  });
}

/**
 * Pings GET /health from another thread (its own event loop, so a blocked server shows up as slow answers, not as late
 * pings): one request every intervalMs whether or not the previous one came back.
 */
export class HealthProbe {
  private readonly worker: Worker;

  constructor(port: number, intervalMs = 20) {
    this.worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const http = require('node:http');
      // A new connection per ping: a kept-alive socket the server closed when idle would fail the next ping (status 0).
      const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
      const samples = [];
      let outstanding = 0;
      function ping() {
        const start = process.hrtime.bigint();
        outstanding += 1;
        const done = (status) => { samples.push([Number(process.hrtime.bigint() - start) / 1e6, status]); outstanding -= 1; };
        http.get({ host: '127.0.0.1', port: workerData.port, path: '/health/live', agent }, (res) => { res.resume(); res.on('end', () => done(res.statusCode)); })
          .on('error', () => done(0));
      }
      const timer = setInterval(ping, workerData.intervalMs);
      parentPort.on('message', () => {
        clearInterval(timer);
        const finish = () => (outstanding === 0 ? (agent.destroy(), parentPort.postMessage(samples)) : setTimeout(finish, 10));
        finish();
      });
    `, { eval: true, workerData: { port, intervalMs } });
  }

  /** Stops pinging and returns latency percentiles (ms) and how many answers were not 200. */
  async stop(): Promise<{ count: number; p50: number; p99: number; max: number; notOk: number; notOkStatuses: number[] }> {
    const samples = await new Promise<Array<[number, number]>>((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
    const sorted = samples.map(([ms]) => ms).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const notOk = samples.filter(([, status]) => status !== 200);
    // Status 0: the connection failed (refused, reset) before any answer.
    const notOkStatuses = [...new Set(notOk.map(([, status]) => status))];
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, notOk: notOk.length, notOkStatuses };
  }
}

/** Sends requests over a real socket, `concurrency` at a time, checking each response; returns the failures. */
export async function runOverHttp(port: number, requests: FuzzRequest[], stats: FuzzStats, concurrency = 4): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const baseline = snapshotPrototypes();
  const failures: string[] = [];
  let next = 0;
  try {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        let response: FuzzResponse;
        const started = performance.now();
        try {
          response = await sendHttp(port, request, agent);
        } catch (error) {
          response = { status: 0, contentType: '', body: `request failed: ${(error as Error).message}` };
        }
        stats.record(request, response, performance.now() - started);
        const problems = problemsWith(request, response);
        if (problems.length > 0) failures.push(`${problems.join('; ')}\n  ${describe(request, response)}`);
      }
    }));
  } finally {
    agent.destroy();
  }
  const changes = restorePrototypes(baseline);
  stats.prototypeChanges.push(...changes);
  if (changes.length > 0) failures.push(`prototype changed during the HTTP requests: ${changes.join(', ')}`);
  return failures;
}
