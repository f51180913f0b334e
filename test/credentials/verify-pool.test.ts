import { AsyncLocalStorage } from 'node:async_hooks';
import t from 'tap';
import { INLINE_JWS_MAX_CHARS, VerifyPool } from '../../src/credentials/verifyPool.js';
import { plainCredential } from '../helpers/app.js';

const proof = {
  type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod',
  verificationMethod: 'did:example:issuer#key-1', created: '2026-01-01T00:00:00Z', proofValue: 'zGarbage',
};

t.test('documents the worker does not bundle come from the task\'s loader; a loader failure is a proof error', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const asked: string[] = [];
  const result = await pool.credentialProof({ ...plainCredential({ issuer: 'did:example:issuer' }), proof }, async (url) => {
    asked.push(url);
    throw new Error(`no document ${url} here`);
  });
  t.equal(result.verified, false, 'not verified');
  t.same(asked, ['did:example:issuer#key-1'], 'only the verification method was asked for (contexts are bundled in the worker)');
  t.match(result.errors.join('; '), 'no document did:example:issuer#key-1 here', 'the loader\'s reason is kept');
});

t.test('a task whose worker stops is rejected, and the next task gets a new worker', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  let asked!: () => void;
  const loading = new Promise<void>((resolve) => { asked = resolve; });
  // The verification method is loaded before the task is sent; the context it does not bundle, by the worker.
  const unbundled = 'https://example.org/contexts/not-bundled';
  const credential = plainCredential({ issuer: 'did:example:issuer' });
  const key = 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
  const method = { '@context': 'https://w3id.org/security/multikey/v1', id: proof.verificationMethod, type: 'Multikey', controller: 'did:example:issuer', publicKeyMultibase: key };
  const stalled = pool.credentialProof({ ...credential, '@context': [...credential['@context'] as string[], unbundled], proof }, async (url) => {
    if (url === proof.verificationMethod) return { contextUrl: null, documentUrl: url, document: method };
    if (url !== unbundled) throw new Error(`no document ${url} here`);
    asked();
    return new Promise(() => {});
  });
  await loading;
  await pool.close();
  await t.rejects(stalled, { message: /verification worker stopped/ });
  const answer = await pool.jws('a.b.c', { id: 'did:example:issuer#key-1', type: 'Multikey', publicKeyMultibase: 'zNotAKey' }).then(() => undefined, (error: Error) => error);
  t.type(answer, Error, 'the next task is answered: a bad key is refused');
  t.notMatch(answer?.message, /worker stopped/, 'by a fresh worker');
});

t.test('a task that changes a worker\'s built-ins fails saying so, and the worker is replaced', async (t) => {
  const pool = new VerifyPool(1, new URL('../fixtures/pollutingVerifyWorker.ts', import.meta.url));
  t.teardown(() => pool.close());
  const vm = { id: 'did:example:issuer#key-1', type: 'Multikey', publicKeyMultibase: 'zNotAKey' };
  await t.rejects(pool.jws('pollute', vm), { message: /built-ins were changed while verifying \(Object.prototype\[pollutedInWorker\] added\)/ });
  const next = await pool.jws('a.b.c', vm).then(() => undefined, (error: Error) => error);
  t.notMatch(next?.message, /built-ins|worker stopped/, 'the next task runs in a clean worker');
  t.equal((Object.prototype as Record<string, unknown>).pollutedInWorker, undefined, 'the main thread was never affected');
});

t.test('tasks answered in the same turn as one that changed the built-ins fail with it', async (t) => {
  const pool = new VerifyPool(1, new URL('../fixtures/pollutingVerifyWorker.ts', import.meta.url));
  t.teardown(() => pool.close());
  const vm = { id: 'did:example:issuer#key-1', type: 'Multikey', publicKeyMultibase: 'zNotAKey' };
  await pool.jws('a.b.c', vm).catch(() => undefined); // the worker is started
  const answers = await Promise.all([pool.jws('a.b.c', vm), pool.jws('pollute', vm)].map((p) => p.then(() => 'verified', (error: Error) => error.message)));
  t.match(answers, [/built-ins were changed/, /built-ins were changed/]);
});

t.test('small documents are checked on the calling thread, larger ones in a worker', async (t) => {
  // A worker that cannot start: whatever reaches it fails, whatever is checked inline is answered.
  const pool = new VerifyPool(1, new URL('../fixtures/no-such-worker.ts', import.meta.url), 40);
  t.teardown(() => pool.close());
  const refuse = async (url: string) => { throw new Error(`no document ${url} here`); };
  const small = { ...plainCredential({ issuer: 'did:example:issuer' }), proof };
  const inline = await pool.credentialProof(small, refuse);
  t.equal(inline.verified, false, 'a small credential is answered inline');
  t.match(inline.errors.join('; '), 'no document did:example:issuer#key-1 here', 'with the loader\'s reason');
  const large = { ...small, credentialSubject: { id: 'did:example:worker-42', skill: Array.from({ length: 40 }, (_, i) => `skill ${i}`) } };
  await t.rejects(pool.credentialProof(large, refuse), 'a larger one goes to the worker (which fails to start)');
});

t.test('a pool that checks small documents inline checks JWS up to INLINE_JWS_MAX_CHARS inline too', async (t) => {
  const pool = new VerifyPool(1, new URL('../fixtures/no-such-worker.ts', import.meta.url), 40);
  t.teardown(() => pool.close());
  const vm = { id: 'did:example:issuer#key-1', type: 'Multikey', publicKeyMultibase: 'zNotAKey' };
  const inline = await pool.jws('a.b.c', vm).then(() => undefined, (error: Error) => error);
  t.type(inline, Error, 'a short JWS with a bad key is refused');
  t.notMatch(inline?.message, /worker/, 'on the calling thread');
  const long = `a.${'b'.repeat(INLINE_JWS_MAX_CHARS)}.c`;
  const pooled = await pool.jws(long, vm).then(() => undefined, (error: Error) => error);
  t.match(pooled?.message, /worker/, 'a longer one goes to the worker (which fails to start)');
});

t.test('each load runs in the async context of its task, not in that of the task that started the worker', async (t) => {
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const verification = new AsyncLocalStorage<string>();
  const seen: Array<string | undefined> = [];
  const loader = async (url: string) => {
    seen.push(verification.getStore());
    throw new Error(`no document ${url} here`);
  };
  const credential = { ...plainCredential({ issuer: 'did:example:issuer' }), proof };
  await verification.run('first', () => pool.credentialProof(credential, loader));
  await verification.run('second', () => pool.credentialProof(credential, loader));
  t.same(seen, ['first', 'second']);
});
