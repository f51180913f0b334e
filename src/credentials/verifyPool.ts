/**
 * Proof verification off the event loop: a small pool of worker threads runs the CPU-heavy part of verifying a
 * credential or presentation (JSON-LD expansion, RDFC-1.0 or JCS canonicalisation, the signature check) and of a
 * vc+jwt (the JWS check), so that /health and pages answer at once while one expensive document is verified.
 *
 * Design: the workers do pure work only. Whatever the proof needs from outside the document (a DID document, a
 * verification method) is still loaded by the main thread's document loader (bundled contexts are in the worker's own
 * memory). So DID resolution, the database and remote fetching stay in one place with one behaviour, and a worker needs
 * no database connection of its own: the same answers as verifying in-process. The documents a proof check is known to
 * load (each proof's verification method and that method's controller, as jsonld-signatures loads them) are loaded
 * before the task is sent and travel with it; the worker asks the main thread, through messages, only for any other.
 *
 * Messages: tasks sent during one turn of the event loop go to a worker as one message, and a worker runs its tasks a
 * group at a time, sending each group's answers as one message before it starts the next (verifyWorker.ts). A batch
 * of credentials thus costs a few messages per turn rather than several per credential, on a main thread that also
 * resolves DIDs, reads status lists and builds the results of the whole batch (see defaultPoolSize). A document
 * loaded ahead is loaded even when the check fails before using it (the controller of a method whose signature does
 * not verify): the price of sparing the worker a round trip per load.
 *
 * One pool per process, started on first use and shared by every app built in it (tests build many): the threads
 * stand for the machine's cores, not for an app. Workers hold the process open only while they have work.
 *
 * Small credentials and presentations (INLINE_PROOF_MAX_VALUES) and JWS (INLINE_JWS_MAX_CHARS) are checked on the
 * calling thread instead: with compiled contexts and kept keys their check costs less than the trip to a worker and back.
 */
import { AsyncResource } from 'node:async_hooks';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads.js';
import { AppError } from '../errors.js';
import type { DocumentLoader } from './documentLoader.js';
import { verifyCompactJws, verifyCredentialProof, verifyPresentationProof, type JsonObject, type ProofResult } from './vcLibrary.js';

/** What verification needs done off the event loop; each call's document loader serves the worker's loads. */
export interface ProofVerifier {
  credentialProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<ProofResult>;
  presentationProof(presentation: JsonObject, options: { challenge?: string; domain?: string }, documentLoader: DocumentLoader): Promise<ProofResult>;
  /** Resolves when the compact JWS is signed by the key of `verificationMethod` (a Multikey), rejects otherwise. */
  jws(jwt: string, verificationMethod: JsonObject): Promise<void>;
}

export type Task =
  | { op: 'credentialProof'; credential: JsonObject }
  | { op: 'presentationProof'; presentation: JsonObject; options: { challenge?: string; domain?: string } }
  | { op: 'jws'; jwt: string; verificationMethod: JsonObject };

/** What the document loader answered for a URL, loaded before the task was sent: the document, or why not. */
export type Preloaded = { document: unknown } | { failure: string };

export interface SentTask { id: number; task: Task; preloaded: Array<[url: string, outcome: Preloaded]> }

export type ToWorker =
  | { type: 'tasks'; tasks: SentTask[] }
  | { type: 'loaded'; loadId: number; document: unknown }
  | { type: 'loadFailed'; loadId: number; message: string };

export interface SerializedFailure { message: string; appError?: { code: string; status: number; detail: string; extra: Record<string, unknown> } }

export type Answer = { id: number; result: unknown } | { id: number; failure: SerializedFailure; retiring?: true };

export type FromWorker =
  | { type: 'load'; id: number; loadId: number; url: string }
  | { type: 'answers'; answers: Answer[] };

interface Pending { resolve(value: unknown): void; reject(error: Error): void; documentLoader?: DocumentLoader; worker: PoolWorker }
interface PoolWorker { thread: Worker; inFlight: number; outbox: SentTask[] }

/**
 * Documents of up to this many property values (object members and array items, counted as JSON_LD_LIMITS counts
 * them) have their proofs checked on the calling thread. Measured on 2 cores with `npm run bench:rdfc` (5 rounds):
 * the Open Badges sample verifies at a median 417/s inline against 237/s through the pool (428 against 293 per CPU
 * second): once contexts are compiled (compiledRdf.ts) the thread round trips, and the worker asking the main thread
 * for each DID document (as it did then), cost more than the check itself. One of 500 values (about 100 alignments) holds the event
 * loop for about 4 ms. Larger documents, where a check takes long, still go to the pool.
 */
export const INLINE_PROOF_MAX_VALUES = 500;

/**
 * A pool that checks small documents inline also checks JWS of up to this many characters inline. The caller has
 * already decoded and parsed the payload on its thread (verify.ts), which costs more than hashing it again for the
 * signature; a round trip to a worker cost 4 to 6 times the check itself for the benchmark's vc+jwt (about 900 µs of
 * CPU per verification through the pool, measured with a profile, against about 140 µs for node:crypto's verify).
 */
export const INLINE_JWS_MAX_CHARS = 64 * 1024;

/** Whether `document` has at most `max` property values (stops counting past `max`). */
function hasAtMostValues(document: unknown, max: number): boolean {
  const stack = [document];
  let count = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    const children = Array.isArray(value) ? value : Object.values(value);
    count += children.length;
    if (count > max) return false;
    stack.push(...children);
  }
  return true;
}

/**
 * Threads for verification: one per core this process may use (os.availableParallelism follows the CPU affinity), at
 * most 8. In a batch the main thread also resolves DIDs, reads status lists and builds results, but at 0.10 ms of CPU
 * per credential against the threads' 0.27 ms it no longer needs a core of its own: on a quiet machine (2026-12-02,
 * load average 1.4, scripts/bench/batchVerify.ts) two threads on two cores verified 3,921 credentials/s against 2,898
 * with one thread (1.47x one core instead of 1.12x; a second run 1.38x), at the same or up to 6% less work per CPU
 * second, with about 80 MB more RSS. An
 * earlier measurement that found no gain was made at load average 11 to 14. Single verifications of small documents
 * are checked inline (INLINE_PROOF_MAX_VALUES), so a server starts these threads only for batches and large documents.
 */
export const defaultPoolSize = (): number => Math.max(1, Math.min(8, os.availableParallelism()));

const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './verifyWorker.ts' : './verifyWorker.js', import.meta.url);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The verification methods of a document's proofs (a credential's or a presentation's own, not those of embedded credentials). */
function proofMethodsOf(document: JsonObject): string[] {
  const proofs = Array.isArray(document.proof) ? document.proof : [document.proof];
  const methods = proofs.map((proof: unknown) => (proof !== null && typeof proof === 'object' ? (proof as JsonObject).verificationMethod : undefined));
  return [...new Set(methods.filter((method): method is string => typeof method === 'string'))];
}

/**
 * What a proof check of `document` will load: each proof's verification method and, once that loads, its controller
 * (what jsonld-signatures' controller purpose loads next), each answered by `documentLoader` as the worker would be.
 */
async function preload(document: JsonObject, documentLoader: DocumentLoader): Promise<Array<[string, Preloaded]>> {
  const outcomes = new Map<string, Preloaded>();
  const load = async (url: string): Promise<unknown> => {
    if (outcomes.has(url)) return undefined;
    try {
      const { document: loaded } = await documentLoader(url);
      outcomes.set(url, { document: loaded });
      return loaded;
    } catch (error) {
      outcomes.set(url, { failure: errorMessage(error) });
      return undefined;
    }
  };
  await Promise.all(proofMethodsOf(document).map(async (method) => {
    const loaded = await load(method);
    const controller = loaded !== null && typeof loaded === 'object' ? (loaded as JsonObject).controller : undefined;
    if (typeof controller === 'string') await load(controller);
  }));
  return [...outcomes];
}

function reviveFailure(failure: SerializedFailure): Error {
  if (failure.appError) {
    const { code, status, detail, extra } = failure.appError;
    return new AppError(code, status, detail, extra);
  }
  return new Error(failure.message);
}

export class VerifyPool implements ProofVerifier {
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /**
   * `entry` is the worker module: verifyWorker, or in tests a module that wraps it. Credentials and presentations of at
   * most `inlineMaxValues` property values are checked on the calling thread (see INLINE_PROOF_MAX_VALUES), and, when
   * that is not 0, JWS of at most INLINE_JWS_MAX_CHARS.
   */
  constructor(private readonly size = defaultPoolSize(), private readonly entry = WORKER_ENTRY, private readonly inlineMaxValues = 0) {}

  credentialProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<ProofResult> {
    if (hasAtMostValues(credential, this.inlineMaxValues)) return inlineProofVerifier.credentialProof(credential, documentLoader);
    return this.run({ op: 'credentialProof', credential }, documentLoader) as Promise<ProofResult>;
  }

  presentationProof(presentation: JsonObject, options: { challenge?: string; domain?: string }, documentLoader: DocumentLoader): Promise<ProofResult> {
    if (hasAtMostValues(presentation, this.inlineMaxValues)) return inlineProofVerifier.presentationProof(presentation, options, documentLoader);
    return this.run({ op: 'presentationProof', presentation, options }, documentLoader) as Promise<ProofResult>;
  }

  async jws(jwt: string, verificationMethod: JsonObject): Promise<void> {
    if (this.inlineMaxValues > 0 && jwt.length <= INLINE_JWS_MAX_CHARS) return inlineProofVerifier.jws(jwt, verificationMethod);
    await this.run({ op: 'jws', jwt, verificationMethod });
  }

  /**
   * The same checks, always on the pool's threads, whatever the document's size: for batches, where checking small
   * credentials inline would hold the event loop for the whole batch, and where the main thread has as much to do per
   * credential as a thread (DIDs, status lists, results). Checking some proofs on the main thread as well, when the
   * threads had enough queued, made it slower: in a 1,000-credential batch its CPU per credential went from 0.43 ms to
   * 0.9 ms (the calling thread also pays for async context tracking on each of the proof check's many promises).
   */
  readonly offThread: ProofVerifier = {
    credentialProof: (credential, documentLoader) => this.run({ op: 'credentialProof', credential }, documentLoader) as Promise<ProofResult>,
    presentationProof: (presentation, options, documentLoader) => this.run({ op: 'presentationProof', presentation, options }, documentLoader) as Promise<ProofResult>,
    jws: async (jwt, verificationMethod) => { await this.run({ op: 'jws', jwt, verificationMethod }); },
  };

  /** Stops the threads (tasks still running are rejected); the next task starts new ones. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }

  private run(task: Task, documentLoader?: DocumentLoader): Promise<unknown> {
    // The thread is chosen, and counts the task, at once: tasks started together spread over the threads.
    const worker = this.leastBusy();
    const id = this.nextId++;
    if (worker.inFlight++ === 0) worker.thread.ref();
    const document = task.op === 'credentialProof' ? task.credential : task.op === 'presentationProof' ? task.presentation : undefined;
    // Other loads arrive as messages, in the async context of whatever started the worker; run in the context taken
    // here, each load runs in its task's (a verification's snapshot: verificationSnapshot.ts), never in another's.
    // (AsyncResource.bind would also build a deprecation wrapper on every call: 1.5% of a busy main thread.)
    const context = documentLoader && new AsyncResource('passerelle:verify-load');
    const loader: DocumentLoader | undefined = context && ((url) => context.runInAsyncScope(documentLoader!, undefined, url));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, documentLoader: loader, worker });
      void (document && documentLoader ? preload(document, documentLoader) : Promise.resolve([])).then((preloaded) => {
        if (worker.outbox.push({ id, task, preloaded }) === 1) setImmediate(() => this.flush(worker));
      });
    });
  }

  /** Sends the tasks queued for `worker` during this turn as one message. */
  private flush(worker: PoolWorker): void {
    const tasks = worker.outbox.splice(0);
    if (tasks.length > 0 && this.workers.includes(worker)) worker.thread.postMessage({ type: 'tasks', tasks } satisfies ToWorker);
  }

  private leastBusy(): PoolWorker {
    const idle = this.workers.find((w) => w.inFlight === 0);
    if (idle) return idle;
    if (this.workers.length < this.size) return this.spawn();
    return this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  }

  private spawn(): PoolWorker {
    const worker: PoolWorker = { thread: startWorker(this.entry), inFlight: 0, outbox: [] };
    worker.thread.unref();
    worker.thread.on('message', (message: FromWorker) => this.onMessage(worker, message));
    const fail = (error: Error) => {
      this.forget(worker);
      for (const [id, pending] of this.pending) {
        if (pending.worker !== worker) continue;
        this.pending.delete(id);
        pending.reject(error);
      }
    };
    worker.thread.on('error', fail);
    worker.thread.on('exit', (code) => fail(new Error(`verification worker stopped (exit code ${code})`)));
    this.workers.push(worker);
    return worker;
  }

  private forget(worker: PoolWorker): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
  }

  private onMessage(worker: PoolWorker, message: FromWorker): void {
    if (message.type === 'answers') {
      for (const answer of message.answers) this.onAnswer(worker, answer);
      return;
    }
    const pending = this.pending.get(message.id);
    if (pending) this.load(worker, pending, message);
  }

  private onAnswer(worker: PoolWorker, answer: Answer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    // A worker that retires (its built-ins changed) takes no new task; its exit rejects whatever it still had.
    if ('retiring' in answer && answer.retiring) this.forget(worker);
    if (--worker.inFlight === 0) worker.thread.unref();
    if ('result' in answer) pending.resolve(answer.result);
    else pending.reject(reviveFailure(answer.failure));
  }

  private load(worker: PoolWorker, pending: Pending, { loadId, url }: { loadId: number; url: string }): void {
    const reply = (message: ToWorker) => worker.thread.postMessage(message);
    if (!pending.documentLoader) {
      reply({ type: 'loadFailed', loadId, message: `Document ${url} cannot be loaded for this task` });
      return;
    }
    pending.documentLoader(url).then(
      (remote) => reply({ type: 'loaded', loadId, document: remote.document }),
      (error: unknown) => reply({ type: 'loadFailed', loadId, message: errorMessage(error) }),
    );
  }
}

/** The same checks on the calling thread: no message round trips, but the event loop waits for each check. */
export const inlineProofVerifier: ProofVerifier = {
  credentialProof: (credential, documentLoader) => verifyCredentialProof(credential, documentLoader),
  presentationProof: (presentation, options, documentLoader) => verifyPresentationProof(presentation, { ...options, documentLoader }),
  jws: (jwt, verificationMethod) => verifyCompactJws(jwt, verificationMethod),
};

let shared: VerifyPool | undefined;

/** The process's verification pool (small documents checked inline). */
export function sharedVerifyPool(): VerifyPool {
  shared ??= new VerifyPool(defaultPoolSize(), WORKER_ENTRY, INLINE_PROOF_MAX_VALUES);
  return shared;
}
