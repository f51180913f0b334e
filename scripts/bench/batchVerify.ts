/**
 * Batch verification throughput: POST /credentials/verify with 1,000 credentials (app.inject, no network), in a
 * process pinned to one core and in one pinned to two (taskset), in ROUNDS rounds, the order alternating (measure.ts):
 * rows combine the rounds, the target is the median of the rounds' ratios. The verification pool sizes itself from the cores
 * the process may use (os.availableParallelism follows the affinity: one thread on one core, two on two cores,
 * beside the main thread): the ratio is what the second core adds. Each row also gives the CPU time per
 * credential of the main thread and of the other threads (/proc/self/task, Linux), which says which one limits the
 * batch. Called by scripts/bench.ts; alone:
 * `npx tsx scripts/bench/batchVerify.ts` (BENCH_SECONDS, BENCH_WARMUP_SECONDS as for npm run bench).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { createOrganisation } from '../../src/orgs/organisations.js';
import { sampleCredential } from './fixture.js';
import { combinedFigures, median, orderInRound, peakRssMb, ROUNDS, runFor, type Figures } from './measure.js';

const BATCH_SIZE = 1_000;
const ORG = 'bench-batch-verify';
const MODULE = fileURLToPath(import.meta.url);

interface ChildJob { env: Record<string, string>; credentialsFile: string; durationMs: number; warmupMs: number }
/** CPU milliseconds per credential: the main thread's, and that of every other thread (pool, GC, libuv). */
interface ThreadCpu { mainCpuMsPerCredential?: number; otherThreadsCpuMsPerCredential?: number }
type ChildResult = Figures & ThreadCpu & { poolThreads: number; requests: number };

export interface BatchVerifyRow extends Figures, ThreadCpu { name: string; cores: number; poolThreads: number }

/** CPU seconds used so far by this process's main thread and by its other threads, or undefined off Linux. */
function threadCpuSeconds(): { main: number; others: number } | undefined {
  const ticksPerSecond = 100; // USER_HZ on Linux
  try {
    let main = 0;
    let others = 0;
    for (const tid of fs.readdirSync('/proc/self/task')) {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
      if (Number(tid) === process.pid) main += seconds;
      else others += seconds;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}
export interface BatchVerifyTarget { name: string; unit: string; measured: number; required: number; atMost?: boolean; twoCores?: boolean; rounds: number[] }

/** A data folder with an organisation and BATCH_SIZE credentials it issued (eddsa-rdfc-2022, the bench's sample). */
async function prepare(dir: string): Promise<{ env: Record<string, string>; credentialsFile: string }> {
  const baseUrl = 'http://127.0.0.1:1';
  const env = {
    PASSERELLE_BASE_URL: baseUrl, PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'),
    PASSERELLE_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef', LOG_LEVEL: 'warn',
  };
  const services = await createServices(loadConfig(env));
  try {
    const organisation = await createOrganisation(
      { organisations: services.repos.organisations, keyStore: services.keyStore, baseUrl, now: services.now },
      { slug: ORG, name: { en: 'Batch verification bench' }, country: 'MA', kind: 'training-centre' },
    );
    const { issueCredential } = await import('../../src/credentials/issue.js');
    const credentials = [];
    for (let i = 0; i < BATCH_SIZE; i++) {
      const issued = await issueCredential(services.issueDeps, { organisation, credential: sampleCredential(), options: { format: 'eddsa-rdfc-2022', issuer: 'organisation' } });
      credentials.push(issued.verifiableCredential);
    }
    const credentialsFile = path.join(dir, 'credentials.json');
    fs.writeFileSync(credentialsFile, JSON.stringify({ verifiableCredentials: credentials }));
    return { env, credentialsFile };
  } finally {
    await services.close();
  }
}

/** In the pinned child: the app, and the batch posted in a loop; figures count credentials, not requests. */
async function measureInChild(job: ChildJob): Promise<ChildResult> {
  const { buildApp } = await import('../../src/app.js');
  const { defaultPoolSize } = await import('../../src/credentials/verifyPool.js');
  const services = await createServices(loadConfig(job.env));
  const app = await buildApp({ services });
  const payload = fs.readFileSync(job.credentialsFile, 'utf8');
  const post = async () => {
    const response = await app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload });
    const body = response.json() as { verified: boolean; results: unknown[] };
    if (response.statusCode !== 200 || !body.verified || body.results.length !== BATCH_SIZE) throw new Error(`batch verification failed: ${response.statusCode} ${response.body.slice(0, 500)}`);
  };
  await runFor(job.warmupMs, post);
  const before = threadCpuSeconds();
  const figures = await runFor(job.durationMs, post);
  const after = threadCpuSeconds();
  await app.close();
  const credentials = figures.ops * BATCH_SIZE;
  return {
    ...figures, requests: figures.ops, ops: credentials, opsPerSec: figures.opsPerSec * BATCH_SIZE,
    opsPerCpuSec: figures.opsPerCpuSec === undefined ? undefined : figures.opsPerCpuSec * BATCH_SIZE,
    mainCpuMsPerCredential: before && after ? (1000 * (after.main - before.main)) / credentials : undefined,
    otherThreadsCpuMsPerCredential: before && after ? (1000 * (after.others - before.others)) / credentials : undefined,
    peakRssMb: peakRssMb(), poolThreads: defaultPoolSize(),
  };
}

function runPinned(cores: number, job: ChildJob): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const cpus = Array.from({ length: cores }, (_, i) => i).join(',');
    const child = spawn('taskset', ['-c', cpus, process.execPath, ...process.execArgv, MODULE, 'child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ok: boolean; result?: ChildResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`batch verification child exited with ${code}`)); });
    child.send(job);
  });
}

export async function benchBatchVerify(options: { durationMs: number; warmupMs: number; log: (message: string) => void }): Promise<{ rows: BatchVerifyRow[]; targets: BatchVerifyTarget[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-batch-verify-'));
  try {
    options.log(`\nBatch verification: POST /credentials/verify with ${BATCH_SIZE.toLocaleString('en')} credentials (eddsa-rdfc-2022), in a process pinned to 1 and to 2 cores, ${ROUNDS} round(s)`);
    const prepared = await prepare(dir);
    const runs = new Map<number, ChildResult[]>([[1, []], [2, []]]);
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const cores of orderInRound([1, 2], round)) runs.get(cores)!.push(await runPinned(cores, { ...prepared, durationMs: options.durationMs, warmupMs: options.warmupMs }));
      const [one, two] = [runs.get(1)!.at(-1)!, runs.get(2)!.at(-1)!];
      ratios.push(two.opsPerSec / one.opsPerSec);
      options.log(`  round ${round + 1}: 1 core ${one.opsPerSec.toFixed(0)}/s, 2 cores ${two.opsPerSec.toFixed(0)}/s (${ratios.at(-1)!.toFixed(2)}x)`);
    }
    const rows = [...runs].map(([cores, coreRuns]): BatchVerifyRow => {
      const poolThreads = coreRuns[0]!.poolThreads;
      const perCredential = (pick: (run: ChildResult) => number | undefined) => coreRuns.reduce((total, run) => total + (pick(run) ?? NaN) * run.ops, 0) / coreRuns.reduce((total, run) => total + run.ops, 0);
      return {
        ...combinedFigures(coreRuns), cores, poolThreads,
        name: `batch verify ${BATCH_SIZE.toLocaleString('en')} credentials, ${cores} core${cores > 1 ? 's' : ''} (${poolThreads} pool thread${poolThreads > 1 ? 's' : ''} and the main thread)`,
        mainCpuMsPerCredential: perCredential((run) => run.mainCpuMsPerCredential), otherThreadsCpuMsPerCredential: perCredential((run) => run.otherThreadsCpuMsPerCredential),
      };
    });
    return { rows, targets: [{ name: 'batch verification, 2 cores vs 1', unit: 'x', measured: median(ratios), required: 1.7, twoCores: true, rounds: ratios }] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  process.once('message', (job: ChildJob) => {
    measureInChild(job).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (error: unknown) => process.send!({ ok: false, error: (error as Error).stack ?? String(error) }, () => process.exit(1)),
    );
  });
} else if (process.argv[1] === MODULE) {
  const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
  const warmupMs = Number(process.env.BENCH_WARMUP_SECONDS ?? 3) * 1000;
  const { rows, targets } = await benchBatchVerify({ durationMs, warmupMs, log: (message) => process.stdout.write(`${message}\n`) });
  for (const row of rows) {
    process.stdout.write(`  ${row.name.padEnd(80)} ${row.opsPerSec.toFixed(1).padStart(8)} credentials/s  ${(row.opsPerCpuSec ?? NaN).toFixed(1)} per CPU second  p50 ${(row.p50Ms ?? NaN).toFixed(0)} ms per request  RSS ${(row.peakRssMb ?? NaN).toFixed(0)} MB  CPU per credential: main thread ${(row.mainCpuMsPerCredential ?? NaN).toFixed(2)} ms, other threads ${(row.otherThreadsCpuMsPerCredential ?? NaN).toFixed(2)} ms\n`);
  }
  for (const target of targets) process.stdout.write(`  ${target.name}: ${target.measured.toFixed(2)}${target.unit} (at least ${target.required})\n`);
  process.stdout.write(`  load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
}
