/**
 * A worker thread with plain jsonld.js (its own module instances, without src/credentials/fastContexts.ts): answers
 * canonicalisation and proof-verification requests with the bare libraries. Used by test/performance to compare the
 * service's optimised processing with the unmodified libraries in the same run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bareDocumentLoader, canonize, createBareLibrary, type BareKey, type DidDocuments } from './bareLibrary.js';

/** What the worker is asked: test/helpers/plainLibrary.ts sends these. */
export type PlainOperation = 'canonize' | 'verifyProof' | 'fastContexts';
type Request = { id: number; op: PlainOperation; document?: Record<string, any> };

const { key, didDocuments } = workerData as { key?: BareKey; didDocuments: DidDocuments };
const documentLoader = bareDocumentLoader(didDocuments);
const library = key ? await createBareLibrary(key, didDocuments) : undefined;

parentPort!.on('message', async (request: Request) => {
  try {
    let result: unknown;
    if (request.op === 'canonize') result = await canonize(request.document!, documentLoader);
    else if (request.op === 'verifyProof') {
      if (!library) throw new Error('verifyProof needs a key in workerData');
      result = await library.verifyProof(request.document!);
    } else {
      // Whether anything in this worker installed the fast context handling (it must not have).
      const { fastContextsInstalled } = await import('../../src/credentials/fastContexts.js');
      result = fastContextsInstalled();
    }
    parentPort!.postMessage({ id: request.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: (error as Error).message });
  }
});

