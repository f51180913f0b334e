import crypto from 'node:crypto';
import fs from 'node:fs';
import t from 'tap';
import { BASE_URL, buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { bundledContextFiles, checkRelatedResources, createLocalResources } from '../../src/credentials/relatedResources.js';

type Json = Record<string, any>;

const SCHEMA_URL = `${BASE_URL}/schemas/open-badge-achievement-credential.json`;
const schemaBytes = fs.readFileSync(new URL('../../schemas/open-badge-achievement-credential.json', import.meta.url));
const CONTEXT_URL = 'https://w3id.org/security/data-integrity/v2';
const contextBytes = bundledContextFiles().get(CONTEXT_URL)!;

const sri = (algorithm: string, bytes: Buffer) => `${algorithm}-${crypto.createHash(algorithm).update(bytes).digest('base64')}`;
const multihash = (bytes: Buffer) => Buffer.concat([Buffer.from([0x12, 0x20]), crypto.createHash('sha256').update(bytes).digest()]);
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) { text = BASE58[Number(value % 58n)] + text; value /= 58n; }
  return '1'.repeat(bytes.findIndex((b) => b !== 0)) + text;
}

t.test('the digest check called directly: each outcome word for word', async (t) => {
  const bytes = Buffer.from('{"title":"Syllabus"}');
  const HELD = 'https://passerelle.test/schemas/syllabus.json';
  const ALSO_HELD = 'https://passerelle.test/schemas/other.json';
  const local = (url: string) => (url === HELD || url === ALSO_HELD ? bytes : undefined);
  const check = (...relatedResource: unknown[]) => checkRelatedResources({ relatedResource }, local);
  const digest = (algorithm: string, code: number, length: number) => Buffer.concat([Buffer.from([code, length]), crypto.createHash(algorithm).update(bytes).digest()]);
  const sha256 = digest('sha256', 0x12, 32);

  t.same(check({ id: HELD, digestSRI: sri('sha256', bytes), digestMultibase: `z${base58btc(sha256)}` }, { id: ALSO_HELD, digestMultibase: `u${digest('sha512', 0x13, 64).toString('base64url')}` }),
    { valid: true, message: `Digests match: ${HELD}, ${ALSO_HELD}` }, 'both digests, two resources');
  t.same(check({ id: HELD, digestMultibase: `u${digest('sha384', 0x20, 48).toString('base64url')}` }, { id: 'https://example.org/a.pdf' }),
    { valid: true, message: `Digests match: ${HELD}; not checked (held elsewhere, not fetched): https://example.org/a.pdf` }, 'sha2-384; one held elsewhere');
  t.same(check({ id: 'https://example.org/a.pdf' }, { id: 'https://example.org/b.pdf' }),
    { valid: true, message: 'not checked (held elsewhere, not fetched): https://example.org/a.pdf, https://example.org/b.pdf' }, 'none held');
  t.same(check({ id: HELD }), { valid: true, message: `Digests match: ${HELD}` }, 'held, no digest to compare');

  const other = Buffer.from('other');
  const failures: Array<[string, unknown[], string]> = [
    ['another SRI digest', [{ id: HELD, digestSRI: sri('sha256', other) }], `Digest mismatch for ${HELD}: digestSRI says ${sri('sha256', other)}, the resource has ${sri('sha256', bytes)}`],
    ['an SRI that is no SRI', [{ id: HELD, digestSRI: 'md5-AAAA' }], `Digest mismatch for ${HELD}: digestSRI is not sha256-, sha384- or sha512- followed by a base64 digest`],
    ['an SRI that is no string', [{ id: HELD, digestSRI: 7 }], `Digest mismatch for ${HELD}: digestSRI is not sha256-, sha384- or sha512- followed by a base64 digest`],
    ['another multihash digest', [{ id: HELD, digestMultibase: `u${Buffer.concat([sha256.subarray(0, 2), crypto.createHash('sha256').update(other).digest()]).toString('base64url')}` }],
      `Digest mismatch for ${HELD}: digestMultibase does not match the resource's sha256 digest`],
    ['another multibase', [{ id: HELD, digestMultibase: `m${sha256.toString('base64')}` }], `Digest mismatch for ${HELD}: digestMultibase is not a base64url ("u") or base58btc ("z") multibase value`],
    ['a multibase that is no string', [{ id: HELD, digestMultibase: 5 }], `Digest mismatch for ${HELD}: digestMultibase is not a base64url ("u") or base58btc ("z") multibase value`],
    ['base58 with a letter it has not', [{ id: HELD, digestMultibase: 'z0OIl' }], `Digest mismatch for ${HELD}: digestMultibase is not a base64url ("u") or base58btc ("z") multibase value`],
    ['an unknown hash code', [{ id: HELD, digestMultibase: `u${Buffer.concat([Buffer.from([0x14, 32]), sha256.subarray(2)]).toString('base64url')}` }],
      `Digest mismatch for ${HELD}: digestMultibase is not a sha2-256, sha2-384 or sha2-512 multihash`],
    ['a length byte that is not the hash\'s', [{ id: HELD, digestMultibase: `u${Buffer.concat([Buffer.from([0x12, 31]), sha256.subarray(2)]).toString('base64url')}` }],
      `Digest mismatch for ${HELD}: digestMultibase is not a sha2-256, sha2-384 or sha2-512 multihash`],
    ['a digest one byte short', [{ id: HELD, digestMultibase: `u${sha256.subarray(0, 33).toString('base64url')}` }],
      `Digest mismatch for ${HELD}: digestMultibase is not a sha2-256, sha2-384 or sha2-512 multihash`],
    ['the SRI right, the multibase wrong', [{ id: HELD, digestSRI: sri('sha256', bytes), digestMultibase: 'u' }],
      `Digest mismatch for ${HELD}: digestMultibase is not a sha2-256, sha2-384 or sha2-512 multihash`],
    ['one of two wrong, one held elsewhere', [{ id: HELD, digestSRI: sri('sha256', bytes) }, { id: ALSO_HELD, digestSRI: sri('sha512', other) }, { id: 'https://example.org/a.pdf' }],
      `Digest mismatch for ${ALSO_HELD}: digestSRI says ${sri('sha512', other)}, the resource has ${sri('sha512', bytes)}; not checked (held elsewhere, not fetched): https://example.org/a.pdf`],
  ];
  for (const [what, resources, message] of failures) t.same(check(...resources), { valid: false, message }, what);
  const malformed = { valid: false, message: 'relatedResource must be an array of objects, each with an id (VC Data Model 2.0 §5.3)' };
  t.same(checkRelatedResources({ relatedResource: { id: HELD } }, local), malformed, 'not an array');
  t.same(check({ id: HELD }, null), malformed, 'null in the list');
  t.same(check({ id: 5 }), malformed, 'an id that is no string');
});

t.test('what the service holds: its published schemas by file name, its bundled contexts by URL', async (t) => {
  const schemasDir = new URL('../../schemas/', import.meta.url).pathname;
  const local = createLocalResources({ baseUrl: BASE_URL, schemasDir });
  t.same(local(SCHEMA_URL), schemaBytes, 'a published schema');
  t.same(local(CONTEXT_URL), contextBytes, 'a bundled context');
  for (const url of [`${BASE_URL}/schemas/missing.json`, `${BASE_URL}/schemas/../package.json`, `${BASE_URL}/schemas/Open.json`, `${BASE_URL}/schemas/a.json.bak`,
    'https://example.org/schemas/open-badge-achievement-credential.json', `${BASE_URL}/open-badge-achievement-credential.json`]) {
    t.equal(local(url), undefined, url.replace(BASE_URL, '$BASE'));
  }
});

t.test('relatedResource digests are checked for the resources the service holds; others are not checked, not failed', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth } = await ctx.issuer();
  t.ok(contextBytes, 'the data integrity context is bundled as a file');
  const issueAndVerify = async (relatedResource: Json[]) => {
    const issued = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential({ relatedResource }), options: { issuer: 'organisation' } } });
    if (issued.statusCode !== 201) throw new Error(issued.body);
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: issued.json().verifiableCredential } });
    const body = response.json();
    return { status: response.statusCode, body, check: body.checks.find((c: Json) => c.id === 'relatedResource'), proof: body.checks.find((c: Json) => c.id === 'proof') };
  };

  const matching: Array<[string, Json]> = [
    ['schema, digestSRI sha384', { id: SCHEMA_URL, digestSRI: sri('sha384', schemaBytes) }],
    ['schema, digestSRI sha512', { id: SCHEMA_URL, digestSRI: sri('sha512', schemaBytes) }],
    ['schema, digestMultibase base64url', { id: SCHEMA_URL, digestMultibase: `u${multihash(schemaBytes).toString('base64url')}` }],
    ['schema, digestMultibase base58btc', { id: SCHEMA_URL, digestMultibase: `z${base58btc(multihash(schemaBytes))}` }],
    ['bundled context, digestSRI sha256', { id: CONTEXT_URL, digestSRI: sri('sha256', contextBytes) }],
  ];
  for (const [what, resource] of matching) {
    const { status, check } = await issueAndVerify([resource]);
    t.equal(status, 200, `${what}: verified`);
    t.same(check, { id: 'relatedResource', valid: true, message: `Digests match: ${resource.id}` }, `${what}: matches`);
  }

  const remote = await issueAndVerify([{ id: 'https://example.org/syllabus.pdf', digestSRI: sri('sha256', Buffer.from('x')) }, { id: CONTEXT_URL, digestSRI: sri('sha384', contextBytes) }]);
  t.equal(remote.status, 200, 'a remote resource: still verified');
  t.equal(remote.check.valid, true, 'a remote resource: the check passes');
  t.match(remote.check.message, /not checked \(held elsewhere, not fetched\): https:\/\/example\.org\/syllabus\.pdf/, 'a remote resource: reported as not checked');

  const other = Buffer.from('another schema');
  const mismatching: Array<[string, Json]> = [
    ['schema, wrong digestSRI', { id: SCHEMA_URL, digestSRI: sri('sha384', other) }],
    ['schema, wrong digestMultibase', { id: SCHEMA_URL, digestMultibase: `u${multihash(other).toString('base64url')}` }],
    ['context, wrong digestSRI', { id: CONTEXT_URL, digestSRI: sri('sha256', other) }],
    ['one of two digests wrong', { id: SCHEMA_URL, digestSRI: sri('sha256', schemaBytes), digestMultibase: `z${base58btc(multihash(other))}` }],
  ];
  for (const [what, resource] of mismatching) {
    const { status, body, check, proof } = await issueAndVerify([resource]);
    t.equal(status, 400, `${what}: 400`);
    t.equal(body.verified, false, `${what}: not verified`);
    t.equal(check.valid, false, `${what}: the relatedResource check fails`);
    t.match(check.message, `Digest mismatch for ${resource.id}`, `${what}: names the resource`);
    t.equal(proof.valid, true, `${what}: the signature is fine`);
  }
});
