import crypto from 'node:crypto';
import fs from 'node:fs';
import t from 'tap';
import { BASE_URL, buildTestApp, openBadgeCredential } from '../helpers/app.js';
import { bundledContextFiles } from '../../src/credentials/relatedResources.js';

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
