import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
/** Timing helpers: a closed loop with `concurrency` operations in flight, latency per operation, percentiles. */
export interface Figures {
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Per-operation latencies; absent for a batch, which is measured as a whole (rows per second). */
  p50Ms?: number;
  p99Ms?: number;
  peakRssMb?: number;
  /** Operations per second of CPU time used by the whole process (all threads): steadier than wall time under load. */
  opsPerCpuSec?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The median of `values` (for an even count, the lower middle one). */
export const median = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/**
 * Rounds of a comparison (BENCH_ROUNDS, default 3): this machine's speed drifts by tens of percent within minutes, so
 * each comparison of two measurements is made this many times, the order alternating, and its target is the median
 * of the rounds' ratios.
 */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/** Round `round`'s order of `measurements`: as given in even rounds, reversed in odd ones (a linear drift cancels out). */
export const orderInRound = <T>(measurements: readonly T[], round: number): T[] => (round % 2 === 0 ? [...measurements] : [...measurements].reverse());

/** Runs of one measurement taken together: operations and seconds summed, latencies the runs' median, memory the largest. */
export function combinedFigures(runs: Figures[]): Figures {
  const sum = (pick: (run: Figures) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const ops = sum((run) => run.ops);
  const seconds = sum((run) => run.seconds);
  const optional = (pick: (run: Figures) => number | undefined, combine: (values: number[]) => number) => {
    const values = runs.map(pick);
    return values.every((value) => value !== undefined) ? combine(values as number[]) : undefined;
  };
  return {
    ops, seconds, opsPerSec: ops / seconds,
    p50Ms: optional((run) => run.p50Ms, median), p99Ms: optional((run) => run.p99Ms, median),
    peakRssMb: optional((run) => run.peakRssMb, (values) => Math.max(...values)),
    opsPerCpuSec: optional((run) => run.opsPerCpuSec, () => ops / sum((run) => run.ops / run.opsPerCpuSec!)),
  };
}

export async function runFor(durationMs: number, fn: () => Promise<unknown>, options: { warmupMs?: number; concurrency?: number } = {}): Promise<Figures> {
  const concurrency = options.concurrency ?? 1;
  if (options.warmupMs) await loop(options.warmupMs, fn, concurrency, []);
  const latencies: number[] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await loop(durationMs, fn, concurrency, latencies);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length, seconds, opsPerSec: latencies.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99),
    opsPerCpuSec: latencies.length / ((cpu.user + cpu.system) / 1e6),
  };
}

async function loop(durationMs: number, fn: () => Promise<unknown>, concurrency: number, latencies: number[]): Promise<void> {
  const end = performance.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await fn();
      latencies.push(performance.now() - t0);
    }
  }));
}

/** This process's peak resident set size so far (MB), as the kernel counts it. */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
let clockTicks: number | undefined;

/** User + system CPU seconds in a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file (Linux). */
function cpuSecondsInStat(file: string): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const stat = fs.readFileSync(file, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/**
 * CPU time (user + system, every thread) other processes have used so far, in seconds, from /proc/<pid>/stat (Linux):
 * a server's CPU per request, which moves less than its throughput when other work shares the cores.
 */
export async function cpuSecondsOfPids(pids: number[]): Promise<number> {
  return pids.reduce((seconds, pid) => seconds + cpuSecondsInStat(`/proc/${pid}/stat`), 0);
}

/**
 * CPU seconds of other processes split by thread: their main threads (the event loop) and the rest (V8's garbage
 * collection and compiler threads, libuv's pool, worker threads), from /proc/<pid>/task (Linux). A process alone on two
 * cores runs the rest beside its main thread for free; two processes share the cores with it.
 */
export async function threadCpuSecondsOfPids(pids: number[]): Promise<{ main: number; other: number }> {
  const seconds = { main: 0, other: 0 };
  for (const pid of pids) {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) seconds[tid === String(pid) ? 'main' : 'other'] += cpuSecondsInStat(`/proc/${pid}/task/${tid}/stat`);
  }
  return seconds;
}

/** The machine's CPU time counters so far (the first line of /proc/stat: user, nice, system, idle, iowait, ...). */
export function machineCpuTicks(): number[] {
  return fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
}

/** How the machine's cores spent the time since `before`: busy (user and system), idle, and idle waiting for the disk. */
export function machineCpuShares(before: number[]): string {
  const ticks = machineCpuTicks().map((value, i) => value - (before[i] ?? 0));
  const total = ticks.reduce((sum, value) => sum + value, 0);
  const share = (value: number) => `${((value / total) * 100).toFixed(0)}%`;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0] = ticks;
  return `${share(user + nice + system)} busy (${share(system)} in the kernel), ${share(idle)} idle, ${share(iowait)} waiting for the disk`;
}

/** Peak RSS (VmHWM) of other processes, e.g. a server and its cluster workers, read from /proc (Linux). */
export async function peakRssOfPids(pids: number[]): Promise<number | undefined> {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) total += Number(match[1]) / 1024;
    } catch {
      return undefined;
    }
  }
  return total;
}
