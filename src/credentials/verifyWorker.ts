/**
 * A verification thread (see verifyPool.ts): runs proof checks for the main thread, loading bundled contexts from its
 * own memory, the documents sent with the task from there, and asking the main thread for any other.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { builtinChanges, snapshotBuiltins } from '../builtinSnapshot.js';
import { bundledContexts } from './contexts/index.js';
import type { RemoteDocument } from './documentLoader.js';
import type { Answer, FromWorker, Preloaded, SentTask, SerializedFailure, ToWorker } from './verifyPool.js';
import { verifyCompactJws, verifyCredentialProof, verifyPresentationProof } from './vcLibrary.js';

const port = parentPort!;
const loads = new Map<number, { resolve(document: unknown): void; reject(error: Error): void }>();
let nextLoadId = 1;

function loaderFor(taskId: number, preloaded: Map<string, Preloaded>) {
  return async function documentLoader(url: string): Promise<RemoteDocument> {
    const context = bundledContexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    const sent = preloaded.get(url);
    if (sent && 'failure' in sent) throw new Error(sent.failure);
    if (sent) return { contextUrl: null, documentUrl: url, document: sent.document };
    const loadId = nextLoadId++;
    const document = await new Promise((resolve, reject) => {
      loads.set(loadId, { resolve, reject });
      port.postMessage({ type: 'load', id: taskId, loadId, url } satisfies FromWorker);
    });
    return { contextUrl: null, documentUrl: url, document };
  };
}

async function perform({ id, task, preloaded }: SentTask): Promise<unknown> {
  switch (task.op) {
    case 'credentialProof':
      return verifyCredentialProof(task.credential, loaderFor(id, new Map(preloaded)));
    case 'presentationProof':
      return verifyPresentationProof(task.presentation, { ...task.options, documentLoader: loaderFor(id, new Map(preloaded)) });
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
 * thread's later verifications. Before any answer leaves, the thread compares its built-ins with their state at start;
 * on any change it fails every answer it holds, saying so, and exits: the pool starts a clean thread for the next task.
 * The answers of one turn are checked together (about 40 µs a check, a tenth of a proof check).
 */
const builtins = snapshotBuiltins();

/** Answers ready during this turn, sent together at its end (see verifyPool.ts, "Messages"). */
let outbox: Answer[] = [];

function send(): void {
  const answers = outbox;
  outbox = [];
  if (answers.length === 0) return;
  const changes = builtinChanges(builtins);
  if (changes.length > 0) {
    const detail = `The verification worker's built-ins were changed while verifying (${changes.join(', ')}); the worker is replaced`;
    port.postMessage({ type: 'answers', answers: answers.map(({ id }) => ({ id, failure: { message: detail }, retiring: true })) } satisfies FromWorker);
    port.close();
    process.exit(1);
  }
  port.postMessage({ type: 'answers', answers } satisfies FromWorker);
}

function answer(id: number, outcome: { result: unknown } | { error: unknown }): void {
  if (outbox.push('result' in outcome ? { id, result: outcome.result } : { id, failure: serialize(outcome.error) }) === 1) setImmediate(send);
}

/**
 * Tasks are run this many at a time, and each group's answers leave before the next group starts. Started all at once,
 * the tasks of a message interleave on their promises and finish together at its end: the main thread then waits for
 * all of them while this thread works, and this thread waits while the main thread finishes them all and sends more.
 * Measured with scripts/bench/batchVerify.ts (1,000 credentials, 128 in flight, three runs each, 2026-12-04): groups
 * of 16 gave 3,330-3,785 credentials/s on two cores and 1,755-1,885 on one (1.90-2.03x); all at once 2,428-3,169
 * and 1,745-2,068 (1.39-1.70x); groups of 8, 1.57-1.80x; of 4, the extra messages cost a fifth on one core.
 */
const TASKS_PER_GROUP = 16;
const queue: SentTask[] = [];
let running = false;

async function runQueue(): Promise<void> {
  running = true;
  while (queue.length > 0) {
    const group = queue.splice(0, TASKS_PER_GROUP);
    await Promise.all(group.map((task) => perform(task).then((result) => answer(task.id, { result }), (error: unknown) => answer(task.id, { error }))));
    // The turn ends here: the group's answers leave (send) and new tasks and loaded documents come in.
    await new Promise(setImmediate);
  }
  running = false;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'tasks') {
    queue.push(...message.tasks);
    if (!running) void runQueue();
    return;
  }
  const load = loads.get(message.loadId);
  if (!load) return;
  loads.delete(message.loadId);
  if (message.type === 'loaded') load.resolve(message.document);
  else load.reject(new Error(message.message));
});
