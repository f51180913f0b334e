/**
 * npm run bench: the service against the bare libraries, on the same machine, in the same run (see README,
 * "Performance"). Every in-process measurement runs in a fresh child process (scripts/bench/runner.ts); HTTP runs
 * against the real server (src/server.ts) on 127.0.0.1 with autocannon. Writes bench-report.json.
 *
 * Knobs (environment): BENCH_SECONDS (in-process loops, default 5), BENCH_HTTP_SECONDS (default 10),
 * BENCH_CONNECTIONS (default 16), BENCH_BATCH (default 10000: the batch memory is read in), BENCH_BATCH_THROUGHPUT
 * (default 4000: the rows of each batch-issuance throughput run), BENCH_ROUNDS (default 3: rounds of each comparison
 * made in rounds, scripts/bench/measure.ts), BENCH_STATUS_ENTRIES (default 1000000), BENCH_NODE_ARGS (Node flags for
 * the server processes, cluster workers included: `--cpu-prof --cpu-prof-dir=/tmp/profiles` profiles each of them).
 * Made in rounds, the order alternating, each target the median of its rounds' ratios: in-process verify of
 * eddsa-jcs-2022 and vc+jwt against the raw Ed25519 loop, batch verification on two cores against one, batch issuance
 * with two workers against one.
 * BENCH_ONLY=verify-overhead measures only the raw Ed25519 loop and in-process verify of eddsa-jcs-2022 and vc+jwt
 * against it (about a minute and a half), prints them and their targets, and leaves bench-report.json alone.
 * BENCH_ONLY=batch-memory runs one BENCH_BATCH-row batch through POST /batches with 1 and with 2 workers and prints the
 * largest server process's RSS before the upload and its peak during the batch (VmHWM); its targets replace those of
 * the same name in bench-report.json, which keeps the rest of the last full run.
 * BENCH_ONLY=http-verify measures in-process verify of each format (each in a fresh process, as the full run does) and
 * HTTP verify of each format against one server with PASSERELLE_WORKERS=1, then against verifyCredential behind a bare
 * fastify route (scripts/bench/bareHttpServer.ts: the floor of HTTP here) (about 2 minutes), prints both per second
 * and per CPU second (the server process's, read from /proc) and their ratios; its target, with the bare route's ratio
 * as its ceiling, replaces the one of the same name in bench-report.json.
 * BENCH_ONLY=scaling measures the machine's own two-core scaling (scripts/bench/scaling.ts: the bare library loops in one
 * process and in two at once, each pinned to a core), prints it, and leaves bench-report.json alone (about 40 s).
 * BENCH_ONLY=batch-verify measures the machine's scaling, then batch verification pinned to 1 and to 2 cores
 * (scripts/bench/batchVerify.ts), prints both per second and per CPU second, and puts its target, with the ceiling the
 * scaling gives, in place of the one of the same name in bench-report.json (about 3 minutes).
 * BENCH_ONLY=batch-issuance does the same for batch issuance: the machine's scaling, then BENCH_BATCH_THROUGHPUT rows
 * (default 4,000) through POST /batches with one worker and with two, in BENCH_ROUNDS rounds (about 3 minutes).
 *
 * Every target comparing two of something (workers, cores, instances) with one carries `ceiling`: what the bare
 * library gains from a second process on the second core in the same run, and `ofCeiling`, the measured value as a
 * fraction of it; so does HTTP verify against in-process verify, with the bare fastify route's ratio. The required
 * values stay as issue 14 states them.
 */
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig, projectRoot } from '../src/config.js';
import { createServices } from '../src/services.js';
import { createOrganisation, didDocumentOf } from '../src/orgs/organisations.js';
import { createToken } from '../src/orgs/tokens.js';
import { FORMATS, sampleCredential, type Format } from './bench/fixture.js';
import { combinedFigures, cpuSecondsOfPids, machineCpuShares, machineCpuTicks, median, orderInRound, peakRssOfPids, ROUNDS, threadCpuSecondsOfPids, type Figures } from './bench/measure.js';
import { benchPostgresHttp, postgresTargets } from './bench/postgres.js';
import { benchBatchVerify } from './bench/batchVerify.js';
import { benchScaling, ceilingText, withCeiling, type Scaling } from './bench/scaling.js';
import { startServer, stopServer } from './bench/server.js';
import type { Job, JobResult } from './bench/runner.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const httpSeconds = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const batchCount = Number(process.env.BENCH_BATCH ?? 10_000);
/** Rows of each batch-issuance throughput run, one worker and two: the same on both sides (at most BENCH_BATCH). */
const batchThroughputCount = Math.min(batchCount, Number(process.env.BENCH_BATCH_THROUGHPUT ?? 4_000));
const statusEntries = Number(process.env.BENCH_STATUS_ENTRIES ?? 1_000_000);
const durationMs = seconds * 1000;
const warmupMs = Number(process.env.BENCH_WARMUP_SECONDS ?? 3) * 1000;
// One port for every server of the run (the organisations' did:web names it). Below Linux's ephemeral range (32768 and
// up): a port in it was once taken, between two servers, as the local end of one of this process's own connections.
const port = 21_000 + Math.floor(Math.random() * 1000);
const baseUrl = `http://127.0.0.1:${port}`;
const only = process.env.BENCH_ONLY;
const SUBSETS = ['verify-overhead', 'batch-memory', 'http-verify', 'scaling', 'batch-verify', 'batch-issuance'];
if (only !== undefined && !SUBSETS.includes(only)) throw new Error(`BENCH_ONLY=${only}: the subsets are ${SUBSETS.join(', ')}`);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const ORG = 'bench-centre';

interface Row extends Figures { name: string; group: string; format?: Format; op?: string; baseline?: string; ratio?: number; extra?: Record<string, number> }
const rows: Row[] = [];

const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1)).padStart(6);

function log(message: string) { process.stdout.write(`${message}\n`); }

function runJob(job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(projectRoot, 'scripts/bench/runner.ts'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ok: boolean; result?: JobResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`runner exited with ${code}`)); });
    child.send(job);
  });
}

function add(row: Row) {
  rows.push(row);
  const ratio = row.ratio === undefined ? '' : `  ${row.ratio.toFixed(2)}x baseline`;
  log(`  ${row.name.padEnd(44)} ${row.opsPerSec.toFixed(1).padStart(8)} ops/s  p50 ${ms(row.p50Ms)} ms  p99 ${ms(row.p99Ms)} ms  RSS ${(row.peakRssMb ?? NaN).toFixed(0).padStart(4)} MB${ratio}`);
}

// ---- setup: a data dir, an organisation with its key, a token ----
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-'));
const env: Record<string, string> = {
  PORT: String(port), HOST: '127.0.0.1', PASSERELLE_BASE_URL: baseUrl, PASSERELLE_DATA_DIR: path.join(dir, 'data'),
  PASSERELLE_KEYS_DIR: path.join(dir, 'keys'), PASSERELLE_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn',
};
const setup = await createServices(loadConfig(env));
const organisation = await createOrganisation(
  { organisations: setup.repos.organisations, keyStore: setup.keyStore, baseUrl, now: setup.now },
  { slug: ORG, name: { en: 'Bench centre' }, country: 'MA', kind: 'training-centre' },
);
const { secret: issueToken } = await createToken(setup.repos.tokens, { organisationId: organisation.id, scopes: ['issue', 'status'], expiresInSeconds: 86_400, now: setup.now() });
const currentKey = (await setup.repos.organisations.currentKey(organisation.id, 'Ed25519'))!;
const didDocument = didDocumentOf(organisation, await setup.repos.organisations.keysOf(organisation.id));
await setup.close();
const seed = (JSON.parse(fs.readFileSync(path.join(env.PASSERELLE_KEYS_DIR!, `${currentKey.id}.json`), 'utf8')) as { seed: string }).seed;
const key = { seed, did: organisation.did, vmId: currentKey.verificationMethod };

log(`Passerelle benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; data in ${dir}`);
const started = Date.now();
const loadAverageAtStart = os.loadavg();
log(`Load average at the start: ${loadAverageAtStart.map((l) => l.toFixed(2)).join(', ')}`);

/**
 * `twoCores`: two workers, cores or instances against one; such a target is printed and kept with the machine's
 * ceiling. A target may bring a ceiling of its own, measured in this run (`ceiling`, with what it is: `ceilingBasis`).
 */
/** `rounds`: the ratio of each round, for a target measured in rounds (its value is their median). */
interface Target { name: string; unit: string; measured: number; required: number; atMost?: boolean; twoCores?: boolean; ceiling?: number; ceilingBasis?: string; rounds?: number[] }
type Verdict = Target & { met: boolean; ceiling?: number; ofCeiling?: number };
const find = (name: string) => rows.find((r) => r.name === name)!;
function logTargets(targets: Verdict[]) {
  log('\nTargets');
  for (const t of targets) log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.measured.toFixed(2)} ${t.unit} (${t.atMost ? 'at most' : 'at least'} ${t.required}${ceilingText(t)})`);
}
/** The machine's two-core scaling, once measured in this run (scripts/bench/scaling.ts). */
let scaling: Scaling | undefined;
const withVerdicts = (targets: Target[]): Verdict[] => targets.map((t) => ({ ...withCeiling(t, scaling), met: t.atMost ? t.measured <= t.required : t.measured >= t.required }));
async function measureScaling() {
  scaling = await benchScaling({ key, didDocuments: { [key.did]: didDocument }, durationMs, warmupMs, log, add: (row) => add({ ...row, group: 'scaling' }) });
}

// ---- the running server (src/server.ts) ----
/** The service's key secret in the bench deployment (the setup's keys are kept in plain text, so that the bare library can
 * sign with the same seed, and are still read). */
const KEY_SECRET = 'a bench deployment key secret, not for any other use';
const startBenchServer = (workers: number, script?: string) =>
  startServer({ ...env, PASSERELLE_KEY_SECRET: KEY_SECRET, PASSERELLE_WORKERS: String(workers) }, script);

function serverPids(child: ChildProcess): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['--ppid', String(child.pid), '-o', 'pid='], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean);
  } catch { /* no children */ }
  return [child.pid!, ...children];
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, any>>;
}

interface HttpRequest { url: string; body: string; headers: Record<string, string> }

async function cannon(request: HttpRequest, duration: number) {
  const result = await autocannon({ url: `${baseUrl}${request.url}`, method: 'POST', headers: { 'content-type': 'application/json', ...request.headers }, body: request.body, connections, duration });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${request.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

/**
 * One request driven by autocannon for BENCH_HTTP_SECONDS after 2 s of warm-up: requests per second of wall time, and
 * per CPU second of the server's processes (autocannon runs in this process and takes its own share of the cores).
 */
async function httpFigures(server: ChildProcess, request: HttpRequest): Promise<Figures> {
  await cannon(request, 2);
  const pids = serverPids(server);
  const cpuBefore = await cpuSecondsOfPids(pids);
  const result = await cannon(request, httpSeconds);
  const serverCpuSeconds = await cpuSecondsOfPids(pids) - cpuBefore;
  return {
    ops: result.requests.total, seconds: result.duration, opsPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50, p99Ms: result.latency.p99, peakRssMb: await peakRssOfPids(pids), opsPerCpuSec: result.requests.total / serverCpuSeconds,
  };
}

/** A credential of each format issued by the running server, and the verification request of each. */
async function verifyRequests(): Promise<Map<Format, HttpRequest>> {
  const requests = new Map<Format, HttpRequest>();
  for (const format of FORMATS) {
    const issued = await post('/credentials/issue', { credential: sampleCredential(), options: { format, issuer: 'organisation' } }, { authorization: `Bearer ${issueToken}` });
    requests.set(format, { url: '/credentials/verify', body: JSON.stringify({ verifiableCredential: issued.verifiableCredential }), headers: {} });
  }
  return requests;
}

/** Issue 14: the HTTP layer adds at most 15% to a verification (eddsa-rdfc-2022; the other formats are printed). */
const httpVerifyName = (format: Format) => `HTTP verify ${format} (1 worker)`;
const bareHttpVerifyName = (format: Format) => `bare fastify verify ${format} (1 process)`;

/**
 * The same verification requests against verifyCredential behind a bare fastify route (scripts/bench/bareHttpServer.ts,
 * on the same database): the floor of any HTTP layer on this machine, and the HTTP target's ceiling.
 */
async function bareHttpVerify(requests: Map<Format, HttpRequest>) {
  log(`\nThe floor of HTTP here: the same requests to verifyCredential behind a bare fastify route (${connections} connections, ${httpSeconds} s)`);
  const server = await startBenchServer(1, 'scripts/bench/bareHttpServer.ts');
  try {
    for (const [format, request] of requests) {
      const figures = await httpFigures(server, request);
      add({ ...figures, name: bareHttpVerifyName(format), group: 'http-bare', format, op: 'verify', baseline: `in-process verify ${format}`, ratio: figures.opsPerSec / find(`in-process verify ${format}`).opsPerSec });
    }
  } finally {
    await stopServer(server);
  }
}

function httpVsInProcessTargets(): Target[] {
  log('\nHTTP verify with 1 worker against in-process verify: per second (as the target), and per CPU second of the server process');
  log('  (in-process: one verification at a time on one thread, small credentials inline; the server with one worker checks every proof on its pool\'s threads, src/services.ts requestVerifyDeps)');
  for (const format of FORMATS) {
    const inProcess = find(`in-process verify ${format}`);
    for (const [what, name] of [['service', httpVerifyName(format)], ['bare fastify', bareHttpVerifyName(format)]]) {
      const http = find(name!);
      log(`  ${format.padEnd(16)} ${what!.padEnd(12)} ${(http.opsPerSec / inProcess.opsPerSec).toFixed(2)}x per second, ${(http.opsPerCpuSec! / inProcess.opsPerCpuSec!).toFixed(2)}x per CPU second (server ${(1e6 / http.opsPerCpuSec!).toFixed(0)} µs of CPU per request, in-process ${(1e6 / inProcess.opsPerCpuSec!).toFixed(0)} µs)`);
    }
  }
  const inProcess = find('in-process verify eddsa-rdfc-2022');
  return [{
    name: 'HTTP verify eddsa-rdfc-2022, 1 worker, vs in-process verify', unit: 'x', required: 0.85,
    measured: find(httpVerifyName('eddsa-rdfc-2022')).opsPerSec / inProcess.opsPerSec,
    ceiling: find(bareHttpVerifyName('eddsa-rdfc-2022')).opsPerSec / inProcess.opsPerSec,
    ceilingBasis: 'verifyCredential behind a bare fastify route vs in-process',
  }];
}

/** A subset's targets replace those of the same name in bench-report.json, which keeps the rest of the last full run. */
function mergeTargetsIntoReport(verdicts: Verdict[]) {
  const reportPath = path.join(projectRoot, 'bench-report.json');
  const report = fs.existsSync(reportPath) ? JSON.parse(fs.readFileSync(reportPath, 'utf8')) as { targets?: Array<{ name: string }> } : {};
  report.targets = [...(report.targets ?? []).filter((t) => !verdicts.some((v) => v.name === t.name)), ...verdicts.map((v) => ({ ...v, date: new Date().toISOString(), loadAverage: os.loadavg() }))];
  fs.writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
}

// ---- batch issuance, end to end through POST /batches ----
/** The recipient file a centre uploads: one row per trainee. */
function cohortCsv(count: number, seed: string): string {
  const rows = Array.from({ length: count }, (_, i) => `${seed}-${i + 1},Trainee ${i + 1},trainee.${seed}.${i + 1}@example.org,pass`);
  return `key,name,email,result\r\n${rows.join('\r\n')}\r\n`;
}

const BENCH_ACHIEVEMENT = {
  id: 'bench-macon', language: 'fr',
  name: { fr: 'Maçon qualifié', en: 'Qualified bricklayer' },
  description: { fr: 'Pose de briques et de blocs, sécurité sur chantier.', en: 'Laying bricks and blocks, site safety.' },
  criteria: { narrative: { fr: 'Évaluation pratique sur chantier.', en: 'Practical assessment on site.' } },
  levels: [{ targetUrl: 'http://data.europa.eu/snb/eqf/3' }, { targetFramework: 'CNC', targetCode: '3' }],
  occupation: '7112.1',
  resultDescriptions: [{ id: 'practical', name: { fr: 'Épreuve pratique', en: 'Practical test' }, resultType: 'RubricCriterionLevel', rubricLevels: [{ id: 'pass', name: { fr: 'Réussi', en: 'Passed' } }] }],
};

/** Largest peak RSS (VmHWM) among the server's processes (each cluster worker is a process of its own). */
async function largestProcessRssMb(pids: number[]): Promise<number> {
  const sizes = await Promise.all(pids.map((pid) => peakRssOfPids([pid])));
  return Math.max(...sizes.map((size) => size ?? 0));
}

interface BatchFigures extends Figures {
  /** The largest process's peak RSS once the server listens, before the upload (start-up included). */
  idleLargestProcessRssMb: number;
  largestProcessRssMb: number;
}

let achievementPosted = false;

/**
 * Uploads a CSV of `count` rows and polls until the batch is completed with every row issued. Returns when the upload
 * was sent and when the server marked the batch completed (its `finishedAt`, on this machine's clock): the next poll
 * sees it up to 250 ms later, a delay that belongs to the polling, not to the issuance.
 */
async function issueBatch(count: number, seed: string, auth: Record<string, string>): Promise<{ sentAt: number; finishedAt: number }> {
  const sentAt = Date.now();
  const response = await fetch(`${baseUrl}/batches?achievement=${BENCH_ACHIEVEMENT.id}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: cohortCsv(count, seed) });
  if (response.status !== 202) throw new Error(`POST /batches: ${response.status} ${await response.text()}`);
  const acceptedAt = Date.now();
  const { id } = (await response.json()) as { id: string };
  let batch: { state: string; counts: Record<string, number>; startedAt: string; finishedAt: string };
  do {
    await new Promise((resolve) => setTimeout(resolve, 250));
    batch = (await (await fetch(`${baseUrl}/batches/${id}?limit=0`, { headers: auth })).json()) as typeof batch;
  } while (batch.state !== 'completed');
  if (batch.counts.issued !== count) throw new Error(`batch issued ${batch.counts.issued} of ${count}: ${JSON.stringify(batch.counts)}`);
  const startedAt = Date.parse(batch.startedAt);
  const finishedAt = Date.parse(batch.finishedAt);
  log(`    ${count.toLocaleString('en')} rows: upload answered in ${acceptedAt - sentAt} ms, first rows taken ${startedAt - acceptedAt} ms after it, all issued ${finishedAt - startedAt} ms after that`);
  return { sentAt, finishedAt };
}

/**
 * Rows of the batch each server issues before the measured one, per worker. Every worker process warms up on its own
 * (V8's compilation, the ESCO/ISCO catalogue loaded on first use), so two workers get twice the rows: each then has
 * issued about as many as one worker alone before the measurement starts. After 500 rows V8 was still optimising
 * (about 50 TurboFan and 50-70 Maglev compilations a second in each worker during the measured batch, V8's --log-code):
 * one worker compiles on the idle second core, two take it from each other, so the measurement was of start-up as much
 * as of scaling (1.48-1.65x with 500 rows, 1.79-1.83x with 2,000, back to back on one machine). 2,000 rows per worker,
 * as many as each of two workers issues in the measured batch, leave a fraction of that compiling.
 */
const WARM_UP_ROWS_PER_WORKER = 2_000;

async function runBatchOverHttp(workers: number, count: number, seed: string): Promise<BatchFigures> {
  const server = await startBenchServer(workers);
  try {
    const auth = { authorization: `Bearer ${issueToken}` };
    const idleLargestProcessRssMb = await largestProcessRssMb(serverPids(server));
    if (!achievementPosted) await post(`/orgs/${ORG}/achievements`, BENCH_ACHIEVEMENT, auth);
    achievementPosted = true;
    await issueBatch(WARM_UP_ROWS_PER_WORKER * workers, `${seed}-warm-up`, auth);
    // CPU of the server's processes from the upload to the completed batch (NaN should one of them be gone).
    const cpuPids = serverPids(server);
    const processCpu = () => Promise.all(cpuPids.map((pid) => cpuSecondsOfPids([pid]).catch(() => NaN)));
    const perProcessBefore = await processCpu();
    const threadsBefore = await threadCpuSecondsOfPids(cpuPids).catch(() => ({ main: NaN, other: NaN }));
    const machineBefore = machineCpuTicks();
    const { sentAt, finishedAt } = await issueBatch(count, seed, auth);
    const machine = machineCpuShares(machineBefore);
    const seconds = (finishedAt - sentAt) / 1000;
    const perProcess = (await processCpu()).map((cpu, i) => cpu - perProcessBefore[i]!);
    const cpuSeconds = perProcess.reduce((sum, cpu) => sum + cpu, 0);
    const threadsAfter = await threadCpuSecondsOfPids(cpuPids).catch(() => ({ main: NaN, other: NaN }));
    log(`      CPU of the server's processes: ${(threadsAfter.main - threadsBefore.main).toFixed(2)} s on main threads, ${(threadsAfter.other - threadsBefore.other).toFixed(2)} s on their other threads (garbage collection, compiler); the machine ${machine}`);
    // With workers, the primary (first) checkpoints the SQLite log; the worker that took the upload issues fewer rows.
    if (perProcess.length > 1) log(`      per process: primary ${perProcess[0]!.toFixed(2)} s, workers ${perProcess.slice(1).map((cpu) => cpu.toFixed(2)).join(' and ')} s`);
    const pids = serverPids(server);
    return {
      ops: count, seconds, opsPerSec: count / seconds, opsPerCpuSec: count / cpuSeconds, idleLargestProcessRssMb,
      peakRssMb: await peakRssOfPids(pids), largestProcessRssMb: await largestProcessRssMb(pids),
    };
  } finally {
    await stopServer(server);
  }
}

const batchMemoryTarget = (workers: number, measured: number): Target => ({
  name: `peak RSS of the largest process during the ${batchCount.toLocaleString('en')} batch${workers === 1 ? ', PASSERELLE_WORKERS=1' : ''}`,
  unit: 'MB', measured, required: 300, atMost: true,
});

const threads = Math.max(2, Math.min(os.cpus().length, 8));

interface BatchThroughput { single: BatchFigures; several: BatchFigures; roundRatios: number[]; ratio: number }

const batchThroughputTarget = ({ ratio, roundRatios }: BatchThroughput): Target => (
  { name: `batch issuance with ${threads} workers vs one`, unit: 'x', measured: ratio, required: 1.7, twoCores: true, rounds: roundRatios });

/** The runs of one setting taken together (combinedFigures), memory the largest seen. */
const combined = (runs: BatchFigures[]): BatchFigures => ({
  ...combinedFigures(runs),
  idleLargestProcessRssMb: Math.max(...runs.map((run) => run.idleLargestProcessRssMb)), largestProcessRssMb: Math.max(...runs.map((run) => run.largestProcessRssMb)),
});

/**
 * Batch issuance through POST /batches. Throughput: the same number of rows with one worker and with two
 * (BENCH_BATCH_THROUGHPUT, 4,000: long enough that start-up and the last rows' tail weigh little, short enough to keep
 * the bench's length), in ROUNDS rounds (measure.ts), each a fresh server of each kind, the order alternating: a
 * single pair of runs measured the machine's drift as often as the workers. The target is the median of the rounds'
 * ratios. Memory (`memory`): one
 * BENCH_BATCH-row batch (10,000) with two workers.
 */
async function batchIssuance(options: { memory: boolean; ratioToBaseline?: (opsPerSec: number) => number }) {
  log(`\nBatch issuance end to end: from sending POST /batches (CSV) to the batch's finishedAt; ${batchThroughputCount.toLocaleString('en')} rows with one worker and with ${threads}, ${ROUNDS} round(s), for throughput${options.memory ? `, ${batchCount.toLocaleString('en')} for memory` : ''}`);
  const batchRow = (result: BatchFigures, workers: number, purpose: string): Row => ({
    ...result, name: `batch ${result.ops} rows, PASSERELLE_WORKERS=${workers}${purpose}`, group: 'batch', format: 'eddsa-rdfc-2022', op: 'issue',
    ...(options.ratioToBaseline ? { baseline: 'baseline issue eddsa-rdfc-2022', ratio: options.ratioToBaseline(result.opsPerSec) } : {}),
  });
  const singles: BatchFigures[] = [];
  const severals: BatchFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    log(`  round ${round + 1} of ${ROUNDS}`);
    for (const workers of orderInRound([1, threads], round)) {
      const result = await runBatchOverHttp(workers, batchThroughputCount, `w${workers}-r${round + 1}`);
      (workers === 1 ? singles : severals).push(result);
      log(`    PASSERELLE_WORKERS=${workers}: ${result.opsPerSec.toFixed(1)} rows/s, ${result.opsPerCpuSec!.toFixed(0)} rows per CPU second`);
    }
  }
  const roundRatios = singles.map((single, round) => severals[round]!.opsPerSec / single.opsPerSec);
  const throughput: BatchThroughput = { single: combined(singles), several: combined(severals), roundRatios, ratio: median(roundRatios) };
  add(batchRow(throughput.single, 1, ''));
  add(batchRow(throughput.several, threads, ''));
  log(`    ${threads} workers vs 1 on ${batchThroughputCount.toLocaleString('en')} rows each: ${roundRatios.map((r) => `${r.toFixed(2)}x`).join(', ')} in the rounds, median ${throughput.ratio.toFixed(2)}x; all rounds together ${(throughput.several.opsPerSec / throughput.single.opsPerSec).toFixed(2)}x per second; rows per CPU second of the server's processes ${throughput.single.opsPerCpuSec!.toFixed(0)} with one worker, ${throughput.several.opsPerCpuSec!.toFixed(0)} with ${threads}`);
  let batch = severals.at(-1)!;
  if (options.memory && batchCount !== batchThroughputCount) {
    batch = await runBatchOverHttp(threads, batchCount, `m${threads}`);
    add(batchRow(batch, threads, ', for memory'));
  }
  if (options.memory) log(`  largest single process during the ${batch.ops}-row batch: ${batch.largestProcessRssMb.toFixed(0)} MB (all ${threads} workers and the primary together: ${batch.peakRssMb!.toFixed(0)} MB)`);
  return { throughput, batch };
}

/** The end of a BENCH_ONLY subset: the load it ran under, its data removed, and no full run after it. */
function endSubset(): never {
  log(`Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

if (only === 'batch-memory') {
  log(`\nBatch issuance memory: one ${batchCount.toLocaleString('en')}-row batch through POST /batches with 1 and with 2 workers`);
  const targets: Target[] = [];
  for (const workers of [1, 2]) {
    const result = await runBatchOverHttp(workers, batchCount, `m${workers}`);
    add({ ...result, name: `batch ${result.ops} rows, PASSERELLE_WORKERS=${workers}`, group: 'batch-memory', format: 'eddsa-rdfc-2022', op: 'issue' });
    log(`    largest process: ${result.idleLargestProcessRssMb.toFixed(0)} MB listening before the upload, ${result.largestProcessRssMb.toFixed(0)} MB peak by the end (all processes: ${result.peakRssMb!.toFixed(0)} MB)`);
    targets.push(batchMemoryTarget(workers, result.largestProcessRssMb));
  }
  const verdicts = withVerdicts(targets);
  logTargets(verdicts);
  mergeTargetsIntoReport(verdicts);
  endSubset();
}

if (only === 'http-verify') {
  log('\nService in-process: verifyCredential, one core');
  for (const format of FORMATS) {
    const result = await runJob({ kind: 'service', op: 'verify', format, env, orgSlug: ORG, durationMs, warmupMs });
    add({ ...result, name: `in-process verify ${format}`, group: 'in-process', format, op: 'verify' });
  }
  log(`\nHTTP verify with autocannon (${connections} connections, ${httpSeconds} s), PASSERELLE_WORKERS=1`);
  const server = await startBenchServer(1);
  let requests: Map<Format, HttpRequest>;
  try {
    requests = await verifyRequests();
    for (const [format, request] of requests) {
      const figures = await httpFigures(server, request);
      add({ ...figures, name: httpVerifyName(format), group: 'http-1', format, op: 'verify', baseline: `in-process verify ${format}`, ratio: figures.opsPerSec / find(`in-process verify ${format}`).opsPerSec });
    }
  } finally {
    await stopServer(server);
  }
  await bareHttpVerify(requests);
  const verdicts = withVerdicts(httpVsInProcessTargets());
  logTargets(verdicts);
  mergeTargetsIntoReport(verdicts);
  endSubset();
}

if (only === 'scaling') {
  await measureScaling();
  endSubset();
}

if (only === 'batch-issuance') {
  await measureScaling();
  const { throughput } = await batchIssuance({ memory: false });
  const verdicts = withVerdicts([batchThroughputTarget(throughput)]);
  logTargets(verdicts);
  mergeTargetsIntoReport(verdicts);
  endSubset();
}

if (only === 'batch-verify') {
  await measureScaling();
  const batchVerify = await benchBatchVerify({ durationMs, warmupMs, log });
  for (const row of batchVerify.rows) {
    add({ ...row, group: 'batch-verify', format: 'eddsa-rdfc-2022', op: 'verify' });
    log(`    per CPU second ${row.opsPerCpuSec!.toFixed(0)} credentials; CPU per credential: main thread ${row.mainCpuMsPerCredential?.toFixed(2)} ms, other threads ${row.otherThreadsCpuMsPerCredential?.toFixed(2)} ms`);
  }
  const verdicts = withVerdicts(batchVerify.targets);
  logTargets(verdicts);
  mergeTargetsIntoReport(verdicts);
  endSubset();
}

// ---- the physical limit: one Ed25519 signature check, nothing else ----
const RAW = 'raw Ed25519 verify (node:crypto)';
/** Issue 14: the JCS and JWT paths in-process at least half as fast as the raw signature check. */
const VERIFY_OVERHEAD_FORMATS = ['eddsa-jcs-2022', 'vc+jwt'] as const;

/** How often a verification took the service's fast path for its format, and how often it left the work to the library. */
function logFastPath(format: Format, result: JobResult) {
  if (format === 'eddsa-rdfc-2022') log(`    compiled contexts (src/credentials/compiledRdf.ts): ${result.extra?.compiledRdf} documents, ${result.extra?.compiledRdfFallbacks} left to jsonld.js`);
  if (format === 'eddsa-jcs-2022') log(`    JCS fast path (src/credentials/jcsProof.ts): ${result.extra?.jcsFastPath} proofs verified, ${result.extra?.jcsLeftToLibrary} left to the library (of any suite: the status list's proof too)`);
}

/**
 * The raw Ed25519 loop (node:crypto verify of one signature over the same bytes with the same key object, nothing
 * else) and in-process verify of eddsa-jcs-2022 and vc+jwt, each in a fresh process, in ROUNDS rounds, the order
 * alternating. Rows combine the rounds (the service's with `ratioToBaseline`, against the bare library, when measured);
 * each target is the median of its rounds' ratios to the raw loop of the same round.
 */
async function verifyOverhead(ratioToBaseline?: (format: Format, opsPerSec: number) => number): Promise<Target[]> {
  log(`\nRaw Ed25519 verify against in-process verifyCredential of ${VERIFY_OVERHEAD_FORMATS.join(' and ')}, one core, ${ROUNDS} round(s)`);
  const runs = new Map<string, JobResult[]>([RAW, ...VERIFY_OVERHEAD_FORMATS].map((what) => [what, []]));
  const ratios = new Map<string, number[]>(VERIFY_OVERHEAD_FORMATS.map((format) => [format, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const results = new Map<string, JobResult>();
    for (const what of orderInRound([RAW, ...VERIFY_OVERHEAD_FORMATS], round)) {
      const result = what === RAW ? await runJob({ kind: 'rawEd25519', key, durationMs, warmupMs })
        : await runJob({ kind: 'service', op: 'verify', format: what as Format, env, orgSlug: ORG, durationMs, warmupMs });
      results.set(what, result);
      runs.get(what)!.push(result);
    }
    const raw = results.get(RAW)!;
    for (const format of VERIFY_OVERHEAD_FORMATS) ratios.get(format)!.push(results.get(format)!.opsPerSec / raw.opsPerSec);
    log(`  round ${round + 1}: raw ${raw.opsPerSec.toFixed(0)}/s; ${VERIFY_OVERHEAD_FORMATS.map((format) => `${format} ${results.get(format)!.opsPerSec.toFixed(0)}/s (${ratios.get(format)!.at(-1)!.toFixed(2)}x)`).join(', ')}`);
  }
  const raw = combinedFigures(runs.get(RAW)!);
  add({ ...raw, name: RAW, group: 'raw' });
  for (const format of VERIFY_OVERHEAD_FORMATS) {
    const formatRuns = runs.get(format)!;
    const result = { ...combinedFigures(formatRuns), extra: { jcsFastPath: 0, jcsLeftToLibrary: 0 } };
    for (const run of formatRuns) for (const key of ['jcsFastPath', 'jcsLeftToLibrary'] as const) result.extra[key] += run.extra?.[key] ?? 0;
    add({
      ...result, name: `in-process verify ${format}`, group: 'in-process', format, op: 'verify',
      ...(ratioToBaseline ? { baseline: `baseline verify ${format}`, ratio: ratioToBaseline(format, result.opsPerSec) } : { baseline: RAW, ratio: result.opsPerSec / raw.opsPerSec }),
    });
    logFastPath(format, result);
    // Under load, per CPU second is the steadier comparison (measure.ts).
    log(`    all rounds: ${(result.opsPerSec / raw.opsPerSec).toFixed(2)}x the raw loop per second, ${(result.opsPerCpuSec! / raw.opsPerCpuSec!).toFixed(2)}x per CPU second`);
  }
  return VERIFY_OVERHEAD_FORMATS.map((format) => ({
    name: `in-process verify ${format} vs raw Ed25519 verify, one core`, unit: 'x', measured: median(ratios.get(format)!), required: 0.5, rounds: ratios.get(format)!,
  }));
}

if (only === 'verify-overhead') {
  logTargets(withVerdicts(await verifyOverhead()));
  endSubset();
}

if (only === undefined) await measureScaling();

// ---- baseline and service, in-process ----
const baseline = new Map<string, JobResult>();
log('\nBaseline: @digitalbazaar/vc issue / verifyCredential (jose for vc+jwt), one core');
for (const format of FORMATS) {
  for (const op of ['issue', 'verify'] as const) {
    const result = await runJob({ kind: 'bare', op, format, key, didDocuments: { [key.did]: didDocument }, durationMs, warmupMs });
    baseline.set(`${format}/${op}`, result);
    add({ ...result, name: `baseline ${op} ${format}`, group: 'baseline', format, op });
  }
}
const ratioTo = (format: Format, op: string, opsPerSec: number) => opsPerSec / baseline.get(`${format}/${op}`)!.opsPerSec;

log('\nService in-process: issueCredential / verifyCredential, one core');
for (const format of FORMATS) {
  for (const op of ['issue', 'verify'] as const) {
    // verifyOverhead, below, measures these in rounds against the raw loop.
    if (op === 'verify' && (VERIFY_OVERHEAD_FORMATS as readonly Format[]).includes(format)) continue;
    const result = await runJob({ kind: 'service', op, format, env, orgSlug: ORG, durationMs, warmupMs });
    add({ ...result, name: `in-process ${op} ${format}`, group: 'in-process', format, op, baseline: `baseline ${op} ${format}`, ratio: ratioTo(format, op, result.opsPerSec) });
    if (op === 'verify') logFastPath(format, result);
  }
}
for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const) {
  const result = await runJob({ kind: 'service', op: 'verifyProof', format, env, orgSlug: ORG, durationMs, warmupMs });
  add({ ...result, name: `in-process proof check only ${format}`, group: 'in-process', format, op: 'verifyProof', baseline: `baseline verify ${format}`, ratio: ratioTo(format, 'verify', result.opsPerSec) });
}

const verifyOverheadTargets = await verifyOverhead((format, opsPerSec) => ratioTo(format, 'verify', opsPerSec));

// ---- HTTP through the running server ----
let oneWorkerVerifyRequests: Map<Format, HttpRequest> | undefined;
for (const workers of [1, 2]) {
  log(`\nHTTP with autocannon (${connections} connections, ${httpSeconds} s), PASSERELLE_WORKERS=${workers}`);
  const server = await startBenchServer(workers);
  try {
    const verify = await verifyRequests();
    if (workers === 1) oneWorkerVerifyRequests = verify;
    for (const format of FORMATS) {
      const requests = {
        issue: { url: '/credentials/issue', body: JSON.stringify({ credential: sampleCredential(), options: { format, issuer: 'organisation' } }), headers: { authorization: `Bearer ${issueToken}` } },
        verify: verify.get(format)!,
      };
      for (const op of ['issue', 'verify'] as const) {
        const figures = await httpFigures(server, requests[op]);
        add({
          ...figures, name: `HTTP ${op} ${format} (${workers} worker${workers > 1 ? 's' : ''})`, group: `http-${workers}`, format, op,
          baseline: `baseline ${op} ${format}`, ratio: ratioTo(format, op, figures.opsPerSec),
        });
      }
    }
  } finally {
    await stopServer(server);
  }
}

await bareHttpVerify(oneWorkerVerifyRequests!);

// ---- HTTP on PostgreSQL: one and two instances sharing a fresh database ----
const postgres = await benchPostgresHttp({ connections, httpSeconds, log });
if (typeof postgres === 'string') log(`\nHTTP on PostgreSQL skipped: ${postgres}`);
else for (const row of postgres) add({ ...row, baseline: `baseline ${row.op} ${row.format}`, ratio: ratioTo(row.format, row.op, row.opsPerSec) });

const { throughput, batch } = await batchIssuance({ memory: true, ratioToBaseline: (opsPerSec) => ratioTo('eddsa-rdfc-2022', 'issue', opsPerSec) });

// ---- batch verification, one core and two ----
const batchVerify = await benchBatchVerify({ durationMs, warmupMs, log });
for (const row of batchVerify.rows) add({ ...row, group: 'batch-verify', format: 'eddsa-rdfc-2022', op: 'verify', baseline: 'baseline verify eddsa-rdfc-2022', ratio: ratioTo('eddsa-rdfc-2022', 'verify', row.opsPerSec) });

// ---- a status list with a million entries ----
log(`\nVerification against a status list with ${statusEntries.toLocaleString('en')} issued entries`);
const status = await runJob({ kind: 'statusList', env, orgSlug: ORG, entries: statusEntries, durationMs, warmupMs });
add({ ...status, name: `in-process verify, ${statusEntries.toLocaleString('en')}-entry list`, group: 'status-list', format: 'eddsa-rdfc-2022', op: 'verify', baseline: 'baseline verify eddsa-rdfc-2022', ratio: ratioTo('eddsa-rdfc-2022', 'verify', status.opsPerSec) });
log(`  list setup ${(status.extra!.setupMs! / 1000).toFixed(1)} s; first verification (signs and decodes the list) ${status.extra!.coldFirstVerifyMs!.toFixed(0)} ms; list fetched and decoded ${status.extra!.listFetchesAndDecodes} time(s) in ${status.extra!.verifications} verifications`);

// ---- targets and report ----
const httpVerify1 = find('HTTP verify eddsa-rdfc-2022 (1 worker)');
const httpVerify2 = find('HTTP verify eddsa-rdfc-2022 (2 workers)');
const inProcessVerify = find('in-process verify eddsa-rdfc-2022');
const targets = withVerdicts([
  { name: 'HTTP verify eddsa-rdfc-2022, 1 worker, vs baseline loop', unit: 'x', measured: httpVerify1.ratio!, required: 0.9 },
  // Against the one-core loop: as a fraction of the ceiling, the service on two cores against the bare library on two.
  { name: 'HTTP verify eddsa-rdfc-2022, 2 workers (both cores), vs baseline loop', unit: 'x', measured: httpVerify2.ratio!, required: 1.7, twoCores: true },
  batchThroughputTarget(throughput),
  { name: 'in-process verify eddsa-rdfc-2022 vs baseline, one core', unit: 'x', measured: inProcessVerify.ratio!, required: 5 },
  { name: 'in-process verify eddsa-rdfc-2022: documents left to jsonld.js', unit: 'documents', measured: inProcessVerify.extra?.compiledRdfFallbacks ?? NaN, required: 0, atMost: true },
  { name: 'status list fetched and decoded at most once per version (1M-entry list)', unit: 'fetches', measured: status.extra!.listFetchesAndDecodes!, required: 1, atMost: true },
  batchMemoryTarget(threads, batch.largestProcessRssMb),
  ...verifyOverheadTargets,
  ...httpVsInProcessTargets(),
  ...batchVerify.targets,
  ...(typeof postgres === 'string' ? [] : postgresTargets(postgres, httpVerify1)),
]);
logTargets(targets);

const report = {
  date: new Date().toISOString(),
  machine: {
    cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart, loadAverageAtEnd: os.loadavg(),
  },
  scaling: scaling && { ratios: scaling.ratios, perCpuSecond: scaling.perCpuSecond, ceiling: scaling.ceiling, loadAverage: scaling.loadAverage },
  settings: { seconds, httpSeconds, connections, batchCount, batchThroughputCount, statusEntries, sampleBytes: baseline.get('eddsa-rdfc-2022/verify')!.extra?.signedBytes },
  notes: [
    'Ratios compare each figure with the bare-library loop measured in the same run (baseline rows).',
    'The baseline verify uses a stub checkStatus; the service also checks the status list, the issuer DID and the dates.',
    `Batch issuance goes through POST /batches and is timed from sending the upload to the batch's finishedAt; with several workers each issues its share of the rows. Throughput compares ${batchThroughputCount} rows with one worker and with ${threads} in ${ROUNDS} rounds, the order alternating; its target is the median of the rounds' ratios; memory is read in the ${batchCount}-row batch.`,
    'Targets comparing two workers, cores or instances with one carry `ceiling`: the bare library loop (baseline eddsa-rdfc-2022 verify) in two processes at once, each pinned to its core, against one, in this run (`ceilingRawEd25519` the same for the raw Ed25519 loop); `ofCeiling` is the measured value as a fraction of it. The HTTP-vs-in-process target carries its own: verifyCredential behind a bare fastify route (scripts/bench/bareHttpServer.ts) against in-process verify.',
    'HTTP runs share the 2 cores with autocannon itself.',
    typeof postgres === 'string'
      ? `No PostgreSQL rows: ${postgres}.`
      : 'PostgreSQL rows: separate server processes (instances) on one fresh database, the connections split evenly between them; figures summed over the instances, p99 the worst instance\'s.',
  ],
  results: rows,
  targets,
  durationSeconds: Math.round((Date.now() - started) / 1000),
};
const reportPath = path.join(projectRoot, 'bench-report.json');
fs.writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
fs.rmSync(dir, { recursive: true, force: true });
log(`\nDone in ${report.durationSeconds} s`);
console.log(reportPath);
