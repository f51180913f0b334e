import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module. Under tsx (how the scripts and the tests run the source), a worker must
 * register tsx itself before it can import a TypeScript entry: Node 20 does not hand the main thread's module hooks on
 * to workers.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}
