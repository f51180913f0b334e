/**
 * What the machine itself gives a second core: the bare library loops (raw Ed25519 verify through node:crypto, and the
 * baseline eddsa-rdfc-2022 verify of bareLibrary.ts) in one process pinned to core 0, then in two processes at once,
 * pinned to cores 0 and 1 (taskset, as batchVerify.ts pins). Nothing is shared between the two processes, so their
 * summed throughput over one process's is the most any software can get from two cores here: two vCPUs of a VM may
 * be two hyperthreads of one physical core, or share it with other tenants. The two-core targets of scripts/bench.ts
 * (two workers, cores or instances against one) carry this ratio as their `ceiling`.
 *
 * Wall-time throughput is what the ratio needs; under load (other processes on the cores) it measures the load as
 * much as the machine: read it with the load average printed beside it.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import type { BareKey, DidDocuments } from './bareLibrary.js';
import type { Figures } from './measure.js';
import type { Job, JobResult } from './runner.js';

export interface ScalingRow extends Figures { name: string; loop: string; processes: number }

export interface Scaling {
  rows: ScalingRow[];
  /** Two processes against one, per loop (summed ops per second of wall time). */
  ratios: Record<string, number>;
  /**
   * Per loop, a process's work per CPU second when two run against when one runs: below 1 when the two vCPUs slow each
   * other down (one physical core's hyperthreads, shared caches). On a quiet machine the ceiling is about twice this;
   * under load both figures already share the cores with other work.
   */
  perCpuSecond: Record<string, number>;
  /** The ceiling the two-core targets are read against: the baseline eddsa-rdfc-2022 loop's ratio. */
  ceiling: number;
  loadAverage: number[];
}

/** The loop the two-core targets are judged against: the bare library doing the work the service does. */
export const CEILING_LOOP = 'baseline verify eddsa-rdfc-2022';
const RAW_LOOP = 'raw Ed25519 verify (node:crypto)';

function runPinned(core: number, job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(core), process.execPath, ...process.execArgv, path.join(projectRoot, 'scripts/bench/runner.ts')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ok: boolean; result?: JobResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`pinned runner exited with ${code}`)); });
    child.send(job);
  });
}

/** Summed figures of processes that ran at the same time: throughput adds up, per CPU second is the mean. */
function together(results: JobResult[]): Figures {
  const ops = results.reduce((sum, r) => sum + r.ops, 0);
  const opsPerSec = results.reduce((sum, r) => sum + r.opsPerSec, 0);
  const cpuSeconds = results.reduce((sum, r) => sum + (r.opsPerCpuSec ? r.ops / r.opsPerCpuSec : NaN), 0);
  return {
    ops, seconds: Math.max(...results.map((r) => r.seconds)), opsPerSec, opsPerCpuSec: ops / cpuSeconds,
    p50Ms: Math.max(...results.map((r) => r.p50Ms ?? NaN)), p99Ms: Math.max(...results.map((r) => r.p99Ms ?? NaN)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb ?? 0)),
  };
}

export async function benchScaling(options: { key: BareKey; didDocuments: DidDocuments; durationMs: number; warmupMs: number; log: (message: string) => void; add?: (row: ScalingRow) => void }): Promise<Scaling> {
  const { key, didDocuments, durationMs, warmupMs, log } = options;
  log('\nThe machine\'s own two-core scaling: each bare library loop in one process pinned to core 0, then in two processes at once pinned to cores 0 and 1');
  const loops: Array<[string, Job]> = [
    [RAW_LOOP, { kind: 'rawEd25519', key, durationMs, warmupMs }],
    [CEILING_LOOP, { kind: 'bare', op: 'verify', format: 'eddsa-rdfc-2022', key, didDocuments, durationMs, warmupMs }],
  ];
  const rows: ScalingRow[] = [];
  const ratios: Record<string, number> = {};
  const perCpuSecond: Record<string, number> = {};
  const cores = Math.min(2, os.cpus().length);
  for (const [loop, job] of loops) {
    const one = { ...await runPinned(0, job), name: `${loop}, 1 process (core 0)`, loop, processes: 1 };
    const two = { ...together(await Promise.all(Array.from({ length: cores }, (_, core) => runPinned(core, job)))), name: `${loop}, ${cores} processes (cores 0 and 1)`, loop, processes: cores };
    for (const row of [one, two]) { rows.push(row); options.add?.(row); }
    ratios[loop] = two.opsPerSec / one.opsPerSec;
    perCpuSecond[loop] = two.opsPerCpuSec! / one.opsPerCpuSec!;
    log(`    bare library, ${cores} processes vs 1 (${loop}): ${ratios[loop]!.toFixed(2)}x per second; per CPU second ${one.opsPerCpuSec!.toFixed(0)} alone, ${two.opsPerCpuSec!.toFixed(0)} each of ${cores} (${perCpuSecond[loop]!.toFixed(2)}x)`);
  }
  const loadAverage = os.loadavg();
  log(`    load average now: ${loadAverage.map((l) => l.toFixed(2)).join(', ')}${loadAverage[0]! > 1 ? ' (other work shares the cores: these ratios are the load\'s as much as the machine\'s)' : ''}`);
  return { rows, ratios, perCpuSecond, ceiling: ratios[CEILING_LOOP]!, loadAverage };
}

export interface TwoCoreTarget { name: string; unit: string; measured: number; required: number; atMost?: boolean; twoCores?: boolean; ceiling?: number; ceilingBasis?: string }

const TWO_CORE_BASIS = 'bare library, 2 processes vs 1';

/**
 * A target with its ceiling beside it: a two-core target gets the machine's (`ceiling`: bare library, 2 processes vs
 * 1, this run, and the raw Ed25519 loop's ratio); a target that brings its own keeps it. `ofCeiling` is the measured
 * value as a fraction of the ceiling. The required value stays.
 */
export function withCeiling<T extends TwoCoreTarget>(target: T, scaling: Scaling | undefined): T & { ceiling?: number; ofCeiling?: number; ceilingRawEd25519?: number } {
  if (target.ceiling !== undefined) return { ...target, ofCeiling: target.measured / target.ceiling };
  if (!target.twoCores || !scaling) return target;
  return { ...target, ceiling: scaling.ceiling, ceilingBasis: TWO_CORE_BASIS, ofCeiling: target.measured / scaling.ceiling, ceilingRawEd25519: scaling.ratios[RAW_LOOP] };
}

/** How a target's line ends when printed: its ceiling, what the ceiling is, and the fraction of it reached. */
export function ceilingText(target: { ceiling?: number; ceilingBasis?: string; ofCeiling?: number }): string {
  return target.ceiling === undefined ? '' : `; machine ceiling (${target.ceilingBasis}) ${target.ceiling.toFixed(2)}x, reached ${(100 * target.ofCeiling!).toFixed(0)}% of it`;
}
