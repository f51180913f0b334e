/**
 * The edges of batch verification that the mutation run of credentials-batch found untested: reading JSON Lines at
 * and just past each limit, the answers' exact words, the read-ahead of inOrder, and a forged vc+jwt checked on the
 * pool's threads.
 */
import t from 'tap';
import { BATCH_LIMITS, inOrder, jsonLinesOf, type JsonLine } from '../../src/credentials/batchVerify.js';
import { buildTestApp, plainCredential } from '../helpers/app.js';

const MB = 1024 * 1024;

async function read(chunks: string[] | Buffer[], limits: Partial<Record<keyof typeof BATCH_LIMITS, number>> = {}): Promise<JsonLine[]> {
  const entries: JsonLine[] = [];
  const buffers = chunks.map((chunk) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  for await (const entry of jsonLinesOf(buffers, { ...BATCH_LIMITS, ...limits })) entries.push(entry);
  return entries;
}

/** Each entry as [line, value] or [line, code, status, detail, last]. */
const shown = (entries: JsonLine[]) => entries.map((e) => ('error' in e ? [e.line, e.error.code, e.error.status, e.error.detail, e.last ?? false] : [e.line, e.value]));

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

t.test('the answers to a credential past the limit and to a line that is not JSON say what happened', async (t) => {
  t.same(shown(await read(['1\n2\n3\n'], { jsonLinesCredentials: 2 })).at(-1),
    [3, 'too-many-credentials', 413, 'A JSON Lines body holds at most 2 credentials; line 3 and those after it were not read. Send the rest in another request', true]);
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
