/**
 * The unmodified libraries in a worker thread of their own (scripts/bench/plainWorker.ts: plain jsonld.js and
 * rdf-canonize, without src/credentials/fastContexts.ts), for differential tests of the service's faster paths.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../src/threads.js';
import type { PlainOperation } from '../../scripts/bench/plainWorker.js';

type Json = Record<string, any>;

export class PlainLibrary {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly worker: Worker;

  /** workerData: the DID documents the plain loader knows, and the key for verifyProof. */
  constructor(workerData: Json) {
    this.worker = startWorker(new URL('../../scripts/bench/plainWorker.ts', import.meta.url), { workerData });
    this.worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
  }

  call<T>(op: PlainOperation, document?: Json): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, document });
    });
  }

  close() { return this.worker.terminate(); }
}
