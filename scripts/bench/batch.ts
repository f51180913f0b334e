/**
 * Batch issuance: `count` credentials end to end (signed and recorded, status index allocated), spread over
 * `threads` worker threads, each with its own services over the shared SQLite database.
 *
 * The issuing step is a BatchIssuer so that POST /batches (being built separately) can replace the domain loop
 * without touching the measurement: add an implementation that submits the rows and waits for the batch to finish.
 */
import type { Worker } from 'node:worker_threads';
import { tsWorker } from './tsWorker.js';
import { peakRssMb, percentile, type Figures } from './measure.js';
import type { Format } from './fixture.js';

export interface BatchJob {
  env: Record<string, string>;
  orgSlug: string;
  count: number;
  threads: number;
  format: Format;
  /** Which BatchIssuer to use; only 'domain-loop' exists until POST /batches does. */
  issuer: 'domain-loop';
}

export interface BatchIssuer {
  /** Issues `count` credentials and returns each one's latency (ms). */
  issue(count: number): Promise<number[]>;
}

export async function runBatch(job: BatchJob): Promise<Figures> {
  const perThread = Array.from({ length: job.threads }, (_, i) => Math.floor(job.count / job.threads) + (i < job.count % job.threads ? 1 : 0));
  let peak = peakRssMb();
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss() / 1024 / 1024); }, 50);
  const workers = perThread.map((count) => tsWorker(new URL('./batchWorker.ts', import.meta.url), { workerData: { ...job, count } }));
  // Every thread loads its modules and keys first; the clock starts when all are ready.
  await Promise.all(workers.map((w) => once(w, 'ready')));
  const start = performance.now();
  workers.forEach((w) => w.postMessage('go'));
  const latencies = (await Promise.all(workers.map((w) => once<number[]>(w, 'done')))).flat();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  await Promise.all(workers.map((w) => w.terminate()));
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length, seconds, opsPerSec: latencies.length / seconds,
    p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), peakRssMb: Math.max(peak, peakRssMb()),
  };
}

function once<T = unknown>(worker: Worker, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; value?: T; error?: string }) => {
      if (m.type === 'error') reject(new Error(m.error));
      else if (m.type === type) { worker.off('message', onMessage); resolve(m.value as T); }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}
