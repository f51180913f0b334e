/**
 * A verification thread (see verifyPool.ts): runs proof checks for the main thread, loading bundled contexts from its
 * own memory and asking the main thread for every other document.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { builtinChanges, snapshotBuiltins } from '../builtinSnapshot.js';
import { bundledContexts } from './contexts/index.js';
import type { RemoteDocument } from './documentLoader.js';
import type { FromWorker, SerializedFailure, Task, ToWorker } from './verifyPool.js';
import { verifyCompactJws, verifyCredentialProof, verifyPresentationProof } from './vcLibrary.js';

const port = parentPort!;
const loads = new Map<number, { resolve(document: unknown): void; reject(error: Error): void }>();
let nextLoadId = 1;

function loaderFor(taskId: number) {
  return async function documentLoader(url: string): Promise<RemoteDocument> {
    const context = bundledContexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    const loadId = nextLoadId++;
    const document = await new Promise((resolve, reject) => {
      loads.set(loadId, { resolve, reject });
      port.postMessage({ type: 'load', id: taskId, loadId, url } satisfies FromWorker);
    });
    return { contextUrl: null, documentUrl: url, document };
  };
}

async function perform(id: number, task: Task): Promise<unknown> {
  switch (task.op) {
    case 'credentialProof':
      return verifyCredentialProof(task.credential, loaderFor(id));
    case 'presentationProof':
      return verifyPresentationProof(task.presentation, { ...task.options, documentLoader: loaderFor(id) });
    case 'jws':
      return verifyCompactJws(task.jwt, task.verificationMethod);
  }
}

function serialize(error: unknown): SerializedFailure {
  if (error instanceof AppError) {
    return { message: error.message, appError: { code: error.code, status: error.status, detail: error.detail, extra: error.extra } };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Documents from outside are processed here, so a prototype pollution that escaped the fixes would poison this
 * thread's later verifications. After each task the thread compares its built-ins with their state at start; on any
 * change it fails the task, saying so, and exits: the pool starts a clean thread for the next task.
 */
const builtins = snapshotBuiltins();

function answer(id: number, outcome: { result: unknown } | { error: unknown }): void {
  const changes = builtinChanges(builtins);
  if (changes.length > 0) {
    const detail = `The verification worker's built-ins were changed while verifying (${changes.join(', ')}); the worker is replaced`;
    port.postMessage({ type: 'failed', id, failure: { message: detail }, retiring: true } satisfies FromWorker);
    port.close();
    process.exit(1);
  }
  port.postMessage('result' in outcome
    ? { type: 'done', id, result: outcome.result } satisfies FromWorker
    : { type: 'failed', id, failure: serialize(outcome.error) } satisfies FromWorker);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'task') {
    perform(message.id, message.task).then((result) => answer(message.id, { result }), (error: unknown) => answer(message.id, { error }));
    return;
  }
  const load = loads.get(message.loadId);
  if (!load) return;
  loads.delete(message.loadId);
  if (message.type === 'loaded') load.resolve(message.document);
  else load.reject(new Error(message.message));
});
