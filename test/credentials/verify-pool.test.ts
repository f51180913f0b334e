import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';
import t from 'tap';
import { AppError } from '../../src/errors.js';
import { INLINE_JWS_MAX_CHARS, VerifyPool, defaultPoolSize, sharedVerifyPool } from '../../src/credentials/verifyPool.js';
import type { DocumentLoader } from '../../src/credentials/documentLoader.js';
import { buildTestApp, plainCredential } from '../helpers/app.js';

const ISSUER = 'did:example:issuer';
/** A forged proof: whatever checks it refuses it. */
const proof = (verificationMethod = `${ISSUER}#key-1`) => ({
  type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod',
  verificationMethod, created: '2026-01-01T00:00:00Z', proofValue: 'zGarbage',
});
const method = (id: string) => ({
  '@context': 'https://w3id.org/security/multikey/v1', id, type: 'Multikey', controller: ISSUER,
  publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
});
const controllerDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: ISSUER,
  verificationMethod: [method(`${ISSUER}#key-1`), method(`${ISSUER}#key-2`)], assertionMethod: [`${ISSUER}#key-1`, `${ISSUER}#key-2`],
};
const badKey = { id: `${ISSUER}#key-1`, type: 'Multikey', publicKeyMultibase: 'zNotAKey' };
/** A worker that cannot start: whatever reaches it fails, whatever is checked inline is answered. */
const NO_WORKER = new URL('../fixtures/no-such-worker.ts', import.meta.url);
const POLLUTING_WORKER = new URL('../fixtures/pollutingVerifyWorker.ts', import.meta.url);

/** A loader that answers the issuer's methods and DID document and records what it was asked. */
function issuerLoader(asked: string[] = []): DocumentLoader {
  return async (url: string) => {
    asked.push(url);
    if (url === ISSUER) return { contextUrl: null, documentUrl: url, document: controllerDocument };
    if (url.startsWith(`${ISSUER}#`)) return { contextUrl: null, documentUrl: url, document: method(url) };
    throw new Error(`no document ${url} here`);
  };
}

const refuseAll: DocumentLoader = async (url) => { throw new Error(`no document ${url} here`); };

/** Property values as the pool counts them: object members and array items, at every depth. */
function valuesIn(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.length + children.reduce((sum: number, child) => sum + valuesIn(child), 0);
}

const within = <T>(promise: Promise<T>, ms = 20_000) => Promise.race([
  promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
]);

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => error);

t.test('the pool has a thread per core, at least one and at most eight', async (t) => {
  t.equal(defaultPoolSize(), Math.max(1, Math.min(8, os.availableParallelism())));
  t.ok(defaultPoolSize() >= 1 && defaultPoolSize() <= 8, 'between 1 and 8');
});

t.test('documents the worker does not bundle come from the task\'s loader; a loader failure is a proof error', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const asked: string[] = [];
  const result = await pool.credentialProof({ ...plainCredential({ issuer: ISSUER }), proof: proof() }, async (url) => {
    asked.push(url);
    return refuseAll(url);
  });
  t.equal(result.verified, false, 'not verified');
  t.same(asked, [`${ISSUER}#key-1`], 'only the verification method was asked for (contexts are bundled in the worker)');
  t.match(result.errors.join('; '), `no document ${ISSUER}#key-1 here`, 'the loader\'s reason is kept');
});

t.test('a task whose worker stops is rejected, and the next task gets a new worker', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  let asked!: () => void;
  const loading = new Promise<void>((resolve) => { asked = resolve; });
  // The verification method is loaded before the task is sent; the context it does not bundle, by the worker.
  const unbundled = 'https://example.org/contexts/not-bundled';
  const credential = plainCredential({ issuer: ISSUER });
  const stalled = pool.credentialProof({ ...credential, '@context': [...credential['@context'] as string[], unbundled], proof: proof() }, async (url) => {
    if (url !== unbundled) return issuerLoader()(url);
    asked();
    return new Promise(() => {});
  });
  await loading;
  await pool.close();
  await t.rejects(stalled, { message: /verification worker stopped/ });
  const answer = await errorOf(pool.jws('a.b.c', badKey));
  t.type(answer, Error, 'the next task is answered: a bad key is refused');
  t.notMatch(answer?.message, /worker stopped/, 'by a fresh worker');
});

t.test('a task that changes a worker\'s built-ins fails saying so, and the worker is replaced', async (t) => {
  const pool = new VerifyPool(1, POLLUTING_WORKER);
  t.teardown(() => pool.close());
  await t.rejects(pool.jws('pollute', badKey), { message: /built-ins were changed while verifying \(Object.prototype\[pollutedInWorker\] added\)/ });
  const next = await errorOf(pool.jws('a.b.c', badKey));
  t.notMatch(next?.message, /built-ins|worker stopped/, 'the next task runs in a clean worker');
  t.equal((Object.prototype as Record<string, unknown>).pollutedInWorker, undefined, 'the main thread was never affected');
});

t.test('tasks answered in the same turn as one that changed the built-ins fail with it', async (t) => {
  const pool = new VerifyPool(1, POLLUTING_WORKER);
  t.teardown(() => pool.close());
  await pool.jws('a.b.c', badKey).catch(() => undefined); // the worker is started
  const answers = await Promise.all([pool.jws('a.b.c', badKey), pool.jws('pollute', badKey)].map((p) => p.then(() => 'verified', (error: Error) => error.message)));
  t.match(answers, [/built-ins were changed/, /built-ins were changed/]);
});

t.test('a worker answers the first tasks of a long message before it has run the last', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  // Sent in the same turn: one message of 48 tasks to the one thread.
  const tasks = Array.from({ length: 48 }, () => errorOf(pool.jws('a.b.c', badKey)));
  const pending = Symbol('pending');
  await tasks[0];
  t.equal(await Promise.race([tasks[47], Promise.resolve(pending)]), pending, 'the last task is still running when the first is answered');
  t.ok((await Promise.all(tasks)).every((error) => error instanceof Error), 'every task is answered');
});

t.test('a document of exactly the inline limit is checked inline; one more value goes to a worker', async (t) => {
  const credential = { ...plainCredential({ issuer: ISSUER }), proof: proof() };
  const limit = valuesIn(credential);
  const pool = new VerifyPool(1, NO_WORKER, limit);
  t.teardown(() => pool.close());
  const inline = await pool.credentialProof(credential, refuseAll);
  t.equal(inline.verified, false, `${limit} values: answered inline`);
  t.match(inline.errors.join('; '), `no document ${ISSUER}#key-1 here`, 'with the loader\'s reason');
  await t.rejects(pool.credentialProof({ ...credential, name: 'one more' }, refuseAll), `${limit + 1} values: sent to the worker`);
});

t.test('offThread sends even a small credential to the pool\'s threads', async (t) => {
  const pool = new VerifyPool(1, NO_WORKER, 1_000);
  t.teardown(() => pool.close());
  const small = { ...plainCredential({ issuer: ISSUER }), proof: proof() };
  t.equal((await pool.credentialProof(small, refuseAll)).verified, false, 'checked inline by default');
  await t.rejects(pool.offThread.credentialProof(small, refuseAll), 'sent to a thread by offThread');
});

t.test('a JWS of exactly INLINE_JWS_MAX_CHARS is checked inline, one character more in a worker', async (t) => {
  const pool = new VerifyPool(1, NO_WORKER, 40);
  t.teardown(() => pool.close());
  const atLimit = `a.${'b'.repeat(INLINE_JWS_MAX_CHARS - 4)}.c`;
  t.equal(atLimit.length, INLINE_JWS_MAX_CHARS);
  const inline = await errorOf(pool.jws(atLimit, badKey));
  t.type(inline, Error, 'at the limit: a bad key is refused');
  t.notMatch(inline?.message, /worker/, 'on the calling thread');
  const pooled = await errorOf(pool.jws(`${atLimit}c`, badKey));
  t.match(pooled?.message, /worker/, 'past it: sent to the worker');
});

t.test('presentations are checked in a worker, or inline when small', async (t) => {
  const presentation = {
    '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: ISSUER,
    proof: { ...proof(), proofPurpose: 'authentication', challenge: 'c-1' },
  };
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const asked: string[] = [];
  const pooled = await within(pool.presentationProof(presentation, { challenge: 'c-1' }, issuerLoader(asked)));
  t.equal(pooled.verified, false, 'a forged holder proof is refused by the worker');
  t.ok(asked.includes(`${ISSUER}#key-1`), 'its method loaded through the task\'s loader');
  const offThread = await within(pool.offThread.presentationProof(presentation, { challenge: 'c-1' }, issuerLoader()));
  t.equal(offThread.verified, false, 'the batch path refuses it too');
  const inlinePool = new VerifyPool(1, NO_WORKER, 500);
  t.teardown(() => inlinePool.close());
  const inline = await inlinePool.presentationProof(presentation, { challenge: 'c-1' }, issuerLoader());
  t.equal(inline.verified, false, 'a small presentation is refused on the calling thread');
  t.ok(inline.errors.length > 0, 'saying why');
});

t.test('what the worker refuses as a bad request comes back as that problem, with its code', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  // Within the property limit (one value per item), past the RDF statement limit (two statements per list item).
  const credential = {
    ...plainCredential({ issuer: ISSUER }), proof: proof(),
    credentialSubject: { id: 'did:example:worker-42', skill: { '@list': Array.from({ length: 5_001 }, (_, i) => `skill ${i}`) } },
  };
  const error = await within(pool.credentialProof(credential, issuerLoader())).then(() => undefined, (e: unknown) => e);
  t.type(error, AppError, 'an AppError');
  t.match(error, { code: 'json-ld-limit-exceeded', status: 400, extra: { limit: 'quads' } });
});

t.test('what a proof check loads is loaded once per URL, and only for proofs that name a method', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const asked: string[] = [];
  const { verificationMethod: _none, ...unnamed } = proof();
  const credential = { ...plainCredential({ issuer: ISSUER }), proof: [null, unnamed, proof(`${ISSUER}#key-1`), proof(`${ISSUER}#key-2`)] };
  const result = await within(pool.credentialProof(credential, issuerLoader(asked)));
  t.equal(result.verified, false, 'answered: forged proofs are refused');
  t.same(asked.slice(0, 3).sort(), [ISSUER, `${ISSUER}#key-1`, `${ISSUER}#key-2`], 'both methods and their shared controller, loaded ahead');
  t.equal(new Set(asked.slice(0, 3)).size, 3, 'the controller once');
});

t.test('a method the loader answers with null is a failed proof, not a task that never ends', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const loader: DocumentLoader = async (url) => ({ contextUrl: null, documentUrl: url, document: null });
  const result = await within(pool.credentialProof({ ...plainCredential({ issuer: ISSUER }), proof: proof() }, loader));
  t.equal(result.verified, false);
});

t.test('a context the worker does not bundle is asked of the task\'s loader; its failure is the proof\'s error', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const unbundled = 'https://example.org/contexts/not-bundled';
  const credential = plainCredential({ issuer: ISSUER });
  const document = { ...credential, '@context': [...credential['@context'] as string[], unbundled], proof: proof() };
  const refused = await within(pool.credentialProof(document, async (url) => {
    if (url === unbundled) throw new Error('that context is not served here');
    return issuerLoader()(url);
  }));
  t.equal(refused.verified, false, 'not verified');
  t.match(refused.errors.join('; '), unbundled, 'naming the context');
  const served = await within(pool.credentialProof(document, async (url) => {
    if (url === unbundled) return { contextUrl: null, documentUrl: url, document: { '@context': { extra: 'https://example.org/extra' } } };
    return issuerLoader()(url);
  }));
  t.equal(served.verified, false, 'with the context served, the forged signature is what fails');
  t.notMatch(served.errors.join('; '), /not-bundled|cannot be loaded/, 'not the context');
});

t.test('each load runs in the async context of its task, not in that of the task that started the worker', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const verification = new AsyncLocalStorage<string>();
  const seen: Array<string | undefined> = [];
  const loader: DocumentLoader = async (url) => {
    seen.push(verification.getStore());
    return refuseAll(url);
  };
  const credential = { ...plainCredential({ issuer: ISSUER }), proof: proof() };
  await verification.run('first', () => pool.credentialProof(credential, loader));
  await verification.run('second', () => pool.credentialProof(credential, loader));
  t.same(seen, ['first', 'second']);
});

t.test('a server with one worker process checks the proofs of requests on the pool\'s threads; with several, inline', async (t) => {
  const one = await buildTestApp(t);
  t.equal(one.services.requestVerifyDeps.proofs, sharedVerifyPool().offThread, 'one worker: the pool\'s threads');
  t.equal(one.services.verifyDeps.proofs, sharedVerifyPool(), 'in-process callers: small documents inline');
  const several = await buildTestApp(t, { PASSERELLE_WORKERS: '2' });
  t.equal(several.services.requestVerifyDeps, several.services.verifyDeps, 'two workers: inline, as in-process');
});
