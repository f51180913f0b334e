/**
 * The fast context handling (src/credentials/fastContexts.ts) must not change a single byte of what jsonld.js
 * computes. Reference results come from a worker thread with its own, unmodified jsonld.js (scripts/bench/plainWorker.ts).
 */
import fs from 'node:fs';
import t from 'tap';
import { buildTestApp, openBadgeCredential, plainCredential, type TestApp } from '../helpers/app.js';
import { PlainLibrary } from '../helpers/plainLibrary.js';
import { canonize } from '../../scripts/bench/bareLibrary.js';
import { sampleCredential } from '../../scripts/bench/fixture.js';
import { fastContextsInstalled } from '../../src/credentials/fastContexts.js';

type Json = Record<string, any>;

async function issue(ctx: TestApp, auth: Json, credential: Json, format = 'eddsa-rdfc-2022') {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential, options: { format, issuer: 'organisation' } } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().verifiableCredential as Json;
}

async function verify(ctx: TestApp, verifiableCredential: unknown) {
  const response = await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });
  return response.json() as { verified: boolean; checks: Array<{ id: string; valid: boolean; message: string }> };
}

/** Inline contexts that exercise every path the patch touches: type-scoped, property-scoped, @propagate, protected, nulling. */
const scopedContexts: Json[] = [
  {
    '@context': [{
      '@version': 1.1, '@vocab': 'https://example.org/vocab#', '@language': 'fr', '@direction': 'ltr', '@base': 'https://example.org/base/',
      Outer: { '@id': 'https://example.org/Outer', '@context': { inner: { '@id': 'https://example.org/inner', '@context': { deep: { '@type': '@id' } } }, label: { '@language': 'en' } } },
      Frozen: { '@id': 'https://example.org/Frozen', '@protected': true, '@context': { '@propagate': false, kept: 'https://example.org/kept' } },
      Reset: { '@id': 'https://example.org/Reset', '@context': [null, { '@vocab': 'https://other.example/#' }] },
      linked: { '@id': 'https://example.org/linked', '@type': '@id' },
      byLang: { '@id': 'https://example.org/byLang', '@container': '@language' },
      byType: { '@id': 'https://example.org/byType', '@container': '@type' },
      listed: { '@id': 'https://example.org/listed', '@container': '@list' },
    }],
    '@id': 'doc',
    '@type': 'Outer',
    label: 'hello',
    inner: { deep: 'relative/iri', label: 'inner label', inner: { deep: '#frag', note: 'n' } },
    frozen: { '@type': 'Frozen', kept: 'yes', nested: { kept: 'dropped or vocab?', '@type': 'Outer', label: 'x' } },
    reset: { '@type': 'Reset', anything: 1, nested: { '@type': 'Outer', label: 'y' } },
    linked: 'other',
    byLang: { en: 'english', ar: 'عربي' },
    byType: { Outer: { label: 'typed' }, Frozen: { kept: 'k' } },
    listed: [{ '@type': 'Outer', label: 'l1' }, { '@type': 'Frozen', kept: 'l2' }, 3, true],
  },
  {
    '@context': ['https://www.w3.org/ns/credentials/v2', { '@protected': true, Badge: { '@id': 'https://example.org/Badge', '@context': { '@propagate': true, level: 'https://example.org/level' } } }],
    type: ['VerifiableCredential', 'Badge'], issuer: 'did:example:issuer', validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: { type: 'Badge', level: '3', nested: { level: '4', type: ['Badge'] } },
  },
];

t.test('canonical N-Quads are byte-identical to plain jsonld.js for every credential the tests use', async (t) => {
  t.ok(fastContextsInstalled(), 'the service process uses the fast context handling');
  const ctx = await buildTestApp(t);
  const { auth, did, slug } = await ctx.issuer();
  const didDocument = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` })).json();
  const plain = new PlainLibrary({ didDocuments: { [did]: didDocument } });
  t.teardown(() => plain.close());
  t.equal(await plain.call('fastContexts'), false, 'the reference worker uses plain jsonld.js');

  const documents: Array<[string, Json]> = [];
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
    documents.push([`Open Badge (${format})`, await issue(ctx, auth, openBadgeCredential(), format)]);
    documents.push([`benchmark sample (${format})`, await issue(ctx, auth, sampleCredential(), format)]);
  }
  documents.push(['plain credential', await issue(ctx, auth, plainCredential())]);
  documents.push(['VC 1.1 credential', await issue(ctx, auth, plainCredential({ '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/examples/v2'] }))]);
  const withStatus = await issue(ctx, auth, openBadgeCredential());
  const listUrl = new URL(withStatus.credentialStatus.statusListCredential as string);
  documents.push(['status list credential', (await ctx.app.inject({ method: 'GET', url: listUrl.pathname })).json()]);
  documents.push(['DID document', didDocument]);
  documents.push(['W3C eddsa-rdfc-2022 vector', JSON.parse(fs.readFileSync(new URL('../fixtures/w3c-eddsa-rdfc-2022-signed.json', import.meta.url), 'utf8'))]);
  scopedContexts.forEach((document, i) => documents.push([`scoped-context document ${i + 1}`, document]));

  for (const [name, document] of documents) {
    const { proof, ...unsigned } = document;
    const variants: Array<[string, Json]> = [['whole document', document]];
    if (proof) variants.push(['without proof', unsigned], ['proof configuration', { ...proof, '@context': document['@context'] }]);
    for (const [part, variant] of variants) {
      const [fast, reference] = await Promise.allSettled([canonize(variant, ctx.services.documentLoader), plain.call<string>('canonize', variant)]);
      if (reference.status === 'rejected') {
        t.equal(fast.status, 'rejected', `${name}, ${part}: both refuse`);
        if (fast.status === 'rejected') t.equal((fast.reason as Error).message, reference.reason.message, `${name}, ${part}: same error`);
        continue;
      }
      t.equal(fast.status, 'fulfilled', `${name}, ${part}: canonicalises`);
      if (fast.status === 'fulfilled') {
        t.ok(reference.value.length > 0, `${name}, ${part}: not empty`);
        t.equal(fast.value, reference.value, `${name}, ${part}: identical N-Quads`);
      }
    }
  }
  // A term no context defines: both refuse in safe mode, with the same message.
  const undefinedTerm = {
    '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: did, issuanceDate: '2025-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:worker-42', shoeSize: 42 },
  };
  const [fast, reference] = await Promise.allSettled([canonize(undefinedTerm, ctx.services.documentLoader), plain.call('canonize', undefinedTerm)]);
  t.equal(fast.status, 'rejected');
  t.equal(reference.status, 'rejected');
  if (fast.status === 'rejected' && reference.status === 'rejected') t.equal((fast.reason as Error).message, reference.reason.message);
});

t.test('verification results are identical to plain jsonld.js for valid, tampered, revoked and expired credentials', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, did, slug } = await ctx.issuer();
  const didDocument = (await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json` })).json();
  // The worker verifies proofs with jsonld-signatures exactly as the service does; it needs no key for that.
  const plainProof = new PlainLibrary({ key: { seed: Buffer.alloc(32).toString('base64url'), did, vmId: `${did}#unused` }, didDocuments: { [did]: didDocument } });
  t.teardown(() => plainProof.close());

  const expiring: Array<[string, Json]> = [];
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
    const validUntil = new Date(ctx.clock.current.getTime() + 86400_000).toISOString().slice(0, 19) + 'Z';
    const valid = await issue(ctx, auth, openBadgeCredential(), format);
    const revoked = await issue(ctx, auth, openBadgeCredential(), format);
    expiring.push([format, await issue(ctx, auth, openBadgeCredential({ validUntil }), format)]);
    const revoke = await ctx.app.inject({
      method: 'POST', url: '/credentials/status', headers: auth,
      payload: { credentialId: revoked.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
    });
    t.equal(revoke.statusCode, 200);
    const tamperedName = structuredClone(valid);
    tamperedName.credentialSubject.achievement.name = 'Maçon (CNC niveau 4)';
    const tamperedAlignment = structuredClone(valid);
    tamperedAlignment.credentialSubject.achievement.alignment[0].targetCode = '4';
    const tamperedType = structuredClone(valid);
    tamperedType.credentialSubject.achievement.type = ['Achievement', 'Extra'];
    const reordered = Object.fromEntries(Object.entries(structuredClone(valid)).reverse());

    const cases: Array<[string, Json, { verified: boolean; proof: boolean }]> = [
      ['valid', valid, { verified: true, proof: true }],
      ['reordered keys', reordered, { verified: true, proof: true }],
      ['tampered name', tamperedName, { verified: false, proof: false }],
      ['tampered alignment', tamperedAlignment, { verified: false, proof: false }],
      ['tampered nested type', tamperedType, { verified: false, proof: false }],
      ['revoked', revoked, { verified: false, proof: true }],
    ];
    for (const [name, credential, expected] of cases) {
      const result = await verify(ctx, credential);
      const proofCheck = result.checks.find((c) => c.id === 'proof')!;
      t.equal(result.verified, expected.verified, `${format}, ${name}: verified ${expected.verified}`);
      t.equal(proofCheck.valid, expected.proof, `${format}, ${name}: proof ${expected.proof}`);
      t.equal(await plainProof.call('verifyProof', credential), proofCheck.valid, `${format}, ${name}: plain jsonld.js agrees on the proof`);
    }
  }
  // The clock moves past validUntil only now: the issuing token expires after a day too.
  ctx.clock.advance(2 * 86400_000);
  for (const [format, credential] of expiring) {
    const expired = await verify(ctx, credential);
    t.equal(expired.verified, false, `${format}, expired: not verified`);
    t.match(expired.checks.find((c) => c.id === 'validity'), { valid: false, message: /Expired/ });
    t.equal(expired.checks.find((c) => c.id === 'proof')!.valid, true);
    t.equal(await plainProof.call('verifyProof', credential), true, `${format}, expired: plain jsonld.js agrees the proof is intact`);
  }
});
