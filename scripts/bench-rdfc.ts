/**
 * npm run bench:rdfc: eddsa-rdfc-2022 verification only, repeated, for decisions about that path (the compiled
 * contexts, the proof-check pool). Each round runs, each in a fresh child process (scripts/bench/runner.ts for the
 * baseline, scripts/bench/rdfcRunner.ts for the service): the
 * bare-library baseline loop, the service's verifyCredential with every proof check sent to a worker thread and as
 * configured (small documents checked on the calling thread: the sample is one), and the proof check alone. Prints every round, then median, min and max of each figure and of its
 * ratio to the same round's baseline, with the load average (the machine is shared). Each figure is given per second
 * of wall time and per second of CPU time of the measuring process (all its threads): on a loaded machine the second
 * moves far less from run to run.
 *
 * Knobs (environment): BENCH_ROUNDS (default 3), BENCH_SECONDS (per loop, default 5), BENCH_WARMUP_SECONDS (default 2).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../src/config.js';
import { createServices } from '../src/services.js';
import { createOrganisation, didDocumentOf } from '../src/orgs/organisations.js';
import type { Job, JobResult } from './bench/runner.js';
import type { RdfcJob } from './bench/rdfcRunner.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const warmupMs = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
const ORG = 'bench-centre';

function runJob(job: Job | RdfcJob): Promise<JobResult> {
  const runner = 'kind' in job ? 'scripts/bench/runner.ts' : 'scripts/bench/rdfcRunner.ts';
  return new Promise((resolve, reject) => {
    const child = fork(path.join(projectRoot, runner), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ok: boolean; result?: JobResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`runner exited with ${code}`)); });
    child.send(job);
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-rdfc-'));
const env: Record<string, string> = {
  PASSERELLE_BASE_URL: 'http://127.0.0.1:1', PASSERELLE_DATA_DIR: path.join(dir, 'data'), PASSERELLE_KEYS_DIR: path.join(dir, 'keys'),
  PASSERELLE_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef', LOG_LEVEL: 'warn',
};
const setup = await createServices(loadConfig(env));
const organisation = await createOrganisation(
  { organisations: setup.repos.organisations, keyStore: setup.keyStore, baseUrl: env.PASSERELLE_BASE_URL!, now: setup.now },
  { slug: ORG, name: { en: 'Bench centre' }, country: 'MA', kind: 'training-centre' },
);
const currentKey = (await setup.repos.organisations.currentKey(organisation.id, 'Ed25519'))!;
const didDocument = didDocumentOf(organisation, await setup.repos.organisations.keysOf(organisation.id));
await setup.close();
const seed = (JSON.parse(fs.readFileSync(path.join(env.PASSERELLE_KEYS_DIR!, `${currentKey.id}.json`), 'utf8')) as { seed: string }).seed;
const key = { seed, did: organisation.did, vmId: currentKey.verificationMethod };

const format = 'eddsa-rdfc-2022' as const;
const service = { env, orgSlug: ORG, durationMs, warmupMs };
const jobs: Array<[string, Job | RdfcJob]> = [
  ['baseline loop (vc.verifyCredential)', { kind: 'bare', op: 'verify', format, key, didDocuments: { [key.did]: didDocument }, durationMs, warmupMs }],
  ['service verify, every proof check in a worker', { ...service, mode: 'pool' }],
  ['service verify (small documents inline)', { ...service, mode: 'service' }],
  ['proof check only (inline)', { ...service, mode: 'proofOnly' }],
];

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
process.stdout.write(`eddsa-rdfc-2022 verification: ${rounds} rounds of ${durationMs / 1000} s loops; ${os.cpus().length} cores, Node ${process.version}; load ${load()}\n`);
const results = new Map<string, Array<{ opsPerSec: number; ratio: number; opsPerCpuSec: number; cpuRatio: number }>>();
for (let round = 1; round <= rounds; round++) {
  let baseline = { wall: NaN, cpu: NaN };
  for (const [name, job] of jobs) {
    const result = await runJob(job);
    const opsPerCpuSec = result.opsPerCpuSec!;
    if ('kind' in job) baseline = { wall: result.opsPerSec, cpu: opsPerCpuSec };
    const ratio = result.opsPerSec / baseline.wall;
    const cpuRatio = opsPerCpuSec / baseline.cpu;
    results.set(name, [...(results.get(name) ?? []), { opsPerSec: result.opsPerSec, ratio, opsPerCpuSec, cpuRatio }]);
    const compiled = result.extra?.compiledRdf === undefined ? '' : `  compiled ${result.extra.compiledRdf}, fallbacks ${result.extra.compiledRdfFallbacks}`;
    process.stdout.write(`  round ${round}  ${name.padEnd(42)} ${result.opsPerSec.toFixed(0).padStart(5)}/s ${ratio.toFixed(2)}x  ${opsPerCpuSec.toFixed(0).padStart(5)}/cpu-s ${cpuRatio.toFixed(2)}x  p50 ${result.p50Ms?.toFixed(2)} ms${compiled}  (load ${load()})\n`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
process.stdout.write(`\nSummary (median [min-max]); load ${load()}\n`);
const spread = (values: number[], digits: number) => `${median(values).toFixed(digits)} [${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}]`;
for (const [name, figures] of results) {
  process.stdout.write(`  ${name.padEnd(42)} wall ${spread(figures.map((f) => f.opsPerSec), 0)}/s ${spread(figures.map((f) => f.ratio), 2)}x`
    + `   cpu ${spread(figures.map((f) => f.opsPerCpuSec), 0)}/cpu-s ${spread(figures.map((f) => f.cpuRatio), 2)}x\n`);
}
fs.rmSync(dir, { recursive: true, force: true });
