import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. tsx's loader hooks do not reach worker threads on Node 20, so the
 * worker starts from a tiny script that loads the module through tsx's own API.
 */
export function tsWorker(url: URL, options: WorkerOptions = {}): Worker {
  const href = JSON.stringify(url.href);
  return new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${href}, ${href}))`, { ...options, eval: true, execArgv: [] });
}
