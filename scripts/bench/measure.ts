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

/**
 * CPU time (user + system, every thread) other processes have used so far, in seconds, from /proc/<pid>/stat (Linux):
 * a server's CPU per request, which moves less than its throughput when other work shares the cores.
 */
export async function cpuSecondsOfPids(pids: number[]): Promise<number> {
  const fs = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  let ticks = 0;
  for (const pid of pids) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / clockTicks;
}

/** Peak RSS (VmHWM) of other processes, e.g. a server and its cluster workers, read from /proc (Linux). */
export async function peakRssOfPids(pids: number[]): Promise<number | undefined> {
  const fs = await import('node:fs');
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
