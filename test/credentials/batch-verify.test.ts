import { PassThrough } from 'node:stream';
import t from 'tap';
import { BATCH_LIMITS, inOrder, jsonLinesOf, type JsonLine } from '../../src/credentials/batchVerify.js';
import { VerifyPool } from '../../src/credentials/verifyPool.js';
import { buildTestApp, openBadgeCredential, plainCredential, type TestApp } from '../helpers/app.js';
import { problemOf } from '../helpers/problems.js';

type Json = Record<string, any>;

async function issue(ctx: TestApp, auth: Json, credential: Json, options: Json = {}): Promise<Json | string> {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { issuer: 'organisation', ...options } } });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  return response.json().verifiableCredential;
}

/** Credentials of every kind a batch meets: three good ones (one per format), a forged one, a revoked one, one by an unknown issuer, one that is not a credential. */
async function mixedCredentials(ctx: TestApp) {
  const { auth } = await ctx.issuer();
  const rdfc = await issue(ctx, auth, openBadgeCredential()) as Json;
  const jcs = await issue(ctx, auth, plainCredential(), { format: 'eddsa-jcs-2022' });
  const jwt = String((await issue(ctx, auth, plainCredential(), { format: 'vc+jwt' }) as Json).id).slice('data:application/vc+jwt,'.length);
  const forged = { ...rdfc, name: 'Maçon en chef' };
  const revoked = await issue(ctx, auth, plainCredential()) as Json;
  const revoke = await ctx.app.inject({
    method: 'POST', url: '/credentials/status', headers: auth,
    payload: { credentialId: revoked.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
  });
  if (revoke.statusCode !== 200) throw new Error(`revoke: ${revoke.body}`);
  const unknownIssuer = { ...rdfc, issuer: 'did:web:passerelle.test:orgs:nobody' };
  return { rdfc, jcs, jwt, forged, revoked, unknownIssuer, notACredential: 42 };
}

const MB = 1024 * 1024;

async function read(chunks: string[] | Buffer[], limits: Partial<Record<keyof typeof BATCH_LIMITS, number>> = {}): Promise<JsonLine[]> {
  const entries: JsonLine[] = [];
  const buffers = chunks.map((chunk) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  for await (const entry of jsonLinesOf(buffers, { ...BATCH_LIMITS, ...limits })) entries.push(entry);
  return entries;
}

/** Each entry as [line, value] or [line, code, status, detail, last]. */
const shown = (entries: JsonLine[]) => entries.map((e) => ('error' in e ? [e.line, e.error.code, e.error.status, e.error.detail, e.last ?? false] : [e.line, e.value]));

const checkOf = (result: Json, id: string) => (result.checks as Json[]).find((c) => c.id === id);

t.test('a JSON batch is answered against one state of its issuers: one change stamp, the issuer\'s DID resolved once', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const inputs = [];
  for (let i = 0; i < 3; i++) inputs.push(await issue(ctx, auth, plainCredential(), { format: 'eddsa-jcs-2022' }));
  const { database, repos: { organisations } } = ctx.services;
  const calls = { stamps: 0, keysVersions: 0 };
  const changeStamp = database.changeStamp.bind(database);
  const keysVersionOf = organisations.keysVersionOf.bind(organisations);
  database.changeStamp = () => { calls.stamps++; return changeStamp(); };
  organisations.keysVersionOf = (did) => { calls.keysVersions++; return keysVersionOf(did); };
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredentials: inputs } });
  t.equal(response.json().verified, true, 'all verified');
  t.equal(calls.stamps, 1, 'one stamp for the batch');
  t.ok(calls.keysVersions <= 1, 'at most one version read of the issuer\'s keys');
});

t.test('a JSON batch answers each credential in order, each on its own', async (t) => {
  const ctx = await buildTestApp(t);
  const c = await mixedCredentials(ctx);
  const inputs = [c.rdfc, c.forged, c.jcs, c.notACredential, c.revoked, c.jwt, c.unknownIssuer];
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredentials: inputs } });
  t.equal(response.statusCode, 200, 'status', { body: response.body });
  const { verified, results } = response.json() as { verified: boolean; results: Json[] };
  t.equal(verified, false, 'not all verified');
  t.same(results.map((r) => r.verified), [true, false, true, false, false, true, false], 'verified per credential, in order');
  t.equal(checkOf(results[1]!, 'proof')?.valid, false, 'the forged one fails its proof');
  t.equal(results[3]!.problem.code, 'invalid-credential', 'the number gets its own problem');
  t.same(results[3]!.checks, [], 'and no checks');
  t.equal(checkOf(results[4]!, 'status')?.valid, false, 'the revoked one fails its status');
  t.equal(checkOf(results[4]!, 'proof')?.valid, true, 'with its proof intact');
  t.equal(checkOf(results[6]!, 'issuer')?.valid, false, 'the unknown issuer fails the issuer check');
  t.equal(results[5]!.format, 'vc+jwt', 'the JWT string is read as vc+jwt');
  t.equal(results[2]!.credential.id, (c.jcs as Json).id, 'results follow the inputs');
  const single = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: c.rdfc } });
  t.same(results[0], single.json(), 'a result is what a single verification answers');
});

t.test('batch limits: more than 1,000 is 413, empty or wrong shape 400', async (t) => {
  const ctx = await buildTestApp(t);
  const tooMany = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredentials: Array.from({ length: BATCH_LIMITS.credentials + 1 }, () => 'a.b.c') } });
  t.same(problemOf(tooMany), { status: 413, code: 'too-many-credentials' }, '1,001 credentials');
  t.match(tooMany.json().detail, /at most 1,000 credentials/, 'the detail says the limit');
  for (const [name, payload] of [
    ['an empty list', { verifiableCredentials: [] }],
    ['a list that is not an array', { verifiableCredentials: 'a.b.c' }],
    ['one and many at once', { verifiableCredential: 'a.b.c', verifiableCredentials: ['a.b.c'] }],
    ['neither', { options: {} }],
  ] as const) {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload });
    t.same(problemOf(response), { status: 400, code: 'invalid-request' }, name);
  }
  const noBody = await ctx.app.inject({ method: 'POST', url: '/credentials/verify' });
  t.same(problemOf(noBody), { status: 400, code: 'invalid-request' }, 'no body at all');
  const textBody = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'text/plain' }, payload: 'eyJ' });
  t.same(problemOf(textBody), { status: 415, code: 'unsupported-media-type' }, 'a text body');
});

t.test('JSON Lines: one answer line per credential line, in order, numbered; bad lines answered alone', async (t) => {
  const ctx = await buildTestApp(t);
  const c = await mixedCredentials(ctx);
  const lines = [JSON.stringify(c.rdfc), '', JSON.stringify(c.forged), '{"not json', JSON.stringify(c.jwt), '"\\ud800"', `${JSON.stringify(c.jcs)}\r`];
  for (const contentType of ['application/jsonl', 'application/x-ndjson']) {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': contentType }, payload: lines.join('\n') });
    t.equal(response.statusCode, 200, `${contentType}: status`, { body: response.body });
    t.match(response.headers['content-type'], /^application\/jsonl/, 'answered as JSON Lines');
    const answers = response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
    t.same(answers.map((a) => a.line), [1, 3, 4, 5, 6, 7], 'one answer per non-blank line, numbered as sent');
    t.same(answers.map((a) => a.verified), [true, false, false, true, false, true], 'verified per line', { checks: answers.map((a) => a.checks) });
    t.equal(answers[2]!.problem.code, 'invalid-json', 'a line that is not JSON');
    t.equal(answers[4]!.problem.code, 'invalid-unicode', 'a line with a lone surrogate');
  }
});

t.test('JSON Lines: a line over 1 MB is refused alone', async (t) => {
  const ctx = await buildTestApp(t);
  const long = JSON.stringify({ padding: 'x'.repeat(BATCH_LIMITS.credentialBytes) });
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/jsonl' }, payload: `${long}\n42\n` });
  const answers = response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
  t.same(answers.map((a) => [a.line, a.problem?.code]), [[1, 'line-too-long'], [2, 'invalid-credential']]);
});

t.test('in a batch, a vc+jwt whose payload was changed after signing fails its proof check', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: plainCredential(), options: { issuer: 'organisation', format: 'vc+jwt' } } });
  const jwt = String(issued.json().verifiableCredential.id).slice('data:application/vc+jwt,'.length);
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, name: 'Chef de chantier' })).toString('base64url')}.${signature}`;
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredentials: [jwt, forged] } });
  const results = response.json().results as Array<{ verified: boolean; checks: Array<{ id: string; valid: boolean }> }>;
  t.same(results.map((r) => r.verified), [true, false]);
  t.same(results.map((r) => r.checks.find((c) => c.id === 'proof')?.valid), [true, false], 'the proof check is what fails');
});

t.test('a JSON Lines body past its credential limit ends with a last line that says so', async (t) => {
  t.same(shown(await read(['1\n\n2\n3\n4\n'], { jsonLinesCredentials: 2 })), [[1, 1], [3, 2],
    [4, 'too-many-credentials', 413, 'A JSON Lines body holds at most 2 credentials; line 4 and those after it were not read. Send the rest in another request', true]]);
});

t.test('a JSON Lines body larger than its limit ends with a 413 naming the line it stopped at', async (t) => {
  const entries = await read([Buffer.from('1\n2\n'), Buffer.alloc(MB, 0x20)], { jsonLinesBodyBytes: MB });
  t.same(shown(entries), [[1, 1], [2, 2],
    [3, 'body-too-large', 413, 'A JSON Lines body may take at most 1 MB; the body was read up to line 3. Send the rest in another request', true]]);
  const exactly = await read([Buffer.from('1\n2\n'), Buffer.alloc(MB - 4, 0x20)], { jsonLinesBodyBytes: MB });
  t.same(shown(exactly), [[1, 1], [2, 2]], 'a body of exactly the limit is read whole');
});

t.test('a line of exactly the credential limit is read; one byte more is refused alone', async (t) => {
  const atLimit = JSON.stringify('x'.repeat(98));
  t.equal(atLimit.length, 100);
  t.same(shown(await read([`${atLimit}\n${atLimit}x\n7`], { credentialBytes: 100 })), [
    [1, 'x'.repeat(98)],
    [2, 'line-too-long', 413, 'Line 2 is longer than 100 bytes (1 MB), the most one credential may take', false],
    [3, 7],
  ]);
  t.same(shown(await read([`7\n${atLimit}x`], { credentialBytes: 100 })).map((e) => e.slice(0, 2)), [[1, 7], [2, 'line-too-long']],
    'a last line without a newline is refused as well');
});

t.test('a line that is not JSON is answered with the parser\'s reason', async (t) => {
  t.same(shown(await read(['{"a":\n'])), [[1, 'invalid-json', 400, 'Line 1 is not JSON: Unexpected end of JSON input', false]]);
});

t.test('blank lines are skipped but counted; a last line is read with or without its newline', async (t) => {
  t.same(shown(await read(['1\n   \n\t\n2'])), [[1, 1], [4, 2]]);
  t.same(shown(await read(['1\n'])), [[1, 1]], 'nothing after a final newline');
  t.same(shown(await read(['1', '', '2\n'])), [[1, 12]], 'an empty chunk changes nothing');
});

t.test('inOrder reads ahead up to its limit, then one item per result', async (t) => {
  const events: string[] = [];
  async function* items() {
    for (let i = 1; i <= 5; i++) {
      events.push(`read ${i}`);
      yield i;
    }
  }
  for await (const result of inOrder(items(), async (i) => i * 10, 3)) events.push(`result ${result}`);
  t.same(events, ['read 1', 'read 2', 'read 3', 'result 10', 'read 4', 'result 20', 'read 5', 'result 30', 'result 40', 'result 50']);
});

t.test('a body split anywhere gives the same lines', async (t) => {
  const text = '{"a":"é"}\r\n\n[1,2]\n"x"';
  const bytes = Buffer.from(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const read = [];
    for await (const entry of jsonLinesOf([bytes.subarray(0, cut), bytes.subarray(cut)])) read.push(entry);
    if (JSON.stringify(read) !== JSON.stringify([{ line: 1, value: { a: 'é' } }, { line: 3, value: [1, 2] }, { line: 4, value: 'x' }])) {
      t.fail(`cut at byte ${cut}: ${JSON.stringify(read)}`);
      return;
    }
  }
  t.pass('every cut');
});

t.test('results stream out before the input ends, with a bounded number of items read ahead', async (t) => {
  const input = new PassThrough({ objectMode: true });
  let started = 0;
  const results = inOrder(input, async (n: number) => { started++; return n * 2; }, 3);
  for (let n = 1; n <= 10; n++) input.write(n);
  const first = await results.next();
  t.same(first.value, 2, 'the first result arrives while the input is still open');
  t.ok(started <= 3, `at most 3 items started (${started})`);
  input.end();
  const rest = [];
  for await (const value of results) rest.push(value);
  t.same(rest, [4, 6, 8, 10, 12, 14, 16, 18, 20], 'the rest, in order');
});

t.test('a slow item does not let later results overtake it', async (t) => {
  const delays = [30, 1, 1, 20, 1];
  const results = [];
  for await (const value of inOrder(delays.map((d, i) => [d, i] as const), ([d, i]) => new Promise<number>((resolve) => setTimeout(() => resolve(i), d)), 4)) results.push(value);
  t.same(results, [0, 1, 2, 3, 4]);
});

t.test('a proof\'s verification method and its controller are loaded before the task is sent, and travel with it', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did } = await ctx.issuer();
  const credential = await issue(ctx, auth, openBadgeCredential()) as Json;
  const asked: string[] = [];
  const loader = (url: string) => {
    asked.push(url);
    return ctx.services.documentLoader(url);
  };
  // A worker that cannot start (see verify-pool.test.ts): what was asked was asked before the task reached a thread.
  const unstartable = new VerifyPool(1, new URL('../fixtures/no-such-worker.ts', import.meta.url));
  t.teardown(() => unstartable.close());
  await t.rejects(unstartable.offThread.credentialProof(credential, loader), 'the task fails with its thread');
  t.same(asked, [credential.proof.verificationMethod, did], 'each asked once, before');
  const pool = new VerifyPool(1);
  t.teardown(() => pool.close());
  const proof = await pool.offThread.credentialProof(credential, loader);
  t.equal(proof.verified, true, 'verified in the worker with them', { errors: proof.errors });
  const forged = await pool.offThread.credentialProof({ ...credential, name: 'Maçon en chef' }, loader);
  t.equal(forged.verified, false, 'a changed credential still fails');
});

t.test('tasks sent together are answered each on its own', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  const credential = await issue(ctx, auth, openBadgeCredential()) as Json;
  const pool = new VerifyPool(2);
  t.teardown(() => pool.close());
  const inputs = Array.from({ length: 24 }, (_, i) => (i % 3 === 1 ? { ...credential, name: `changed ${i}` } : credential));
  const results = await Promise.all(inputs.map((input) => pool.offThread.credentialProof(input, ctx.services.documentLoader)));
  t.same(results.map((r) => r.verified), inputs.map((_, i) => i % 3 !== 1));
});
