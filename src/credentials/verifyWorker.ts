/**
 * A verification thread (see verifyPool.ts): runs proof checks for the main thread, loading bundled contexts from its
 * own memory and asking the main thread for every other document.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.js';
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

port.on('message', (message: ToWorker) => {
  if (message.type === 'task') {
    perform(message.id, message.task).then(
      (result) => port.postMessage({ type: 'done', id: message.id, result } satisfies FromWorker),
      (error: unknown) => port.postMessage({ type: 'failed', id: message.id, failure: serialize(error) } satisfies FromWorker),
    );
    return;
  }
  const load = loads.get(message.loadId);
  if (!load) return;
  loads.delete(message.loadId);
  if (message.type === 'loaded') load.resolve(message.document);
  else load.reject(new Error(message.message));
});
