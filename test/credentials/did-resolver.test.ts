/**
 * The DID resolver called directly (src/credentials/didResolver.ts): did:key computed locally, the service's own
 * did:web documents loaded once per version, one resolution per DID inside a snapshot, and remote did:web (off by
 * default) over HTTPS from a server on 127.0.0.1 with a self-signed certificate (test/fixtures/tls).
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createDidResolver, findVerificationMethod, isAuthorisedFor, type DidDocument } from '../../src/credentials/didResolver.js';
import { withVerificationSnapshot } from '../../src/credentials/verificationSnapshot.js';

const ED25519_DID_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const P256_DID_KEY = 'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169';
const P384_DID_KEY = 'did:key:z82Lkrogud14LqQWb3jQWT6pzQ8pRmWvBYVN91w3gGGXtjrxQ4yWQQZqPF8guEskYfH8Z1E';
const HOSTED = 'did:web:passerelle.test:orgs:ofppt-casa';
const OTHER_HOSTED = 'did:web:passerelle.test:orgs:cfpa-dakar';

const documentOf = (did: string, fragment = 'key-1'): DidDocument => ({
  '@context': ['https://www.w3.org/ns/did/v1'], id: did,
  verificationMethod: [{ id: `${did}#${fragment}`, type: 'Multikey', controller: did, publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }],
  assertionMethod: [`${did}#${fragment}`],
});

/** The service's own DIDs as the resolver sees them: a version per DID, and the reads counted. */
function hostedDids() {
  const versions = new Map<string, number>([[HOSTED, 1]]);
  const reads = { versions: 0, documents: 0 };
  return {
    versions, reads,
    localDids: {
      version: async (did: string) => { reads.versions++; return versions.get(did); },
      document: async (did: string) => { reads.documents++; return versions.has(did) ? documentOf(did, `key-${versions.get(did)}`) : undefined; },
    },
  };
}

t.test('did:key: computed here, kept, and frozen', async (t) => {
  const resolveDid = createDidResolver({ localDids: hostedDids().localDids, resolveRemote: false });
  const ed25519 = await resolveDid(ED25519_DID_KEY);
  t.same([ed25519.id, ed25519.verificationMethod?.[0]?.id], [ED25519_DID_KEY, `${ED25519_DID_KEY}#${ED25519_DID_KEY.slice(8)}`], 'Ed25519');
  t.equal(await resolveDid(ED25519_DID_KEY), ed25519, 'kept');
  t.ok(Object.isFrozen(ed25519) && Object.isFrozen(ed25519.verificationMethod![0]), 'frozen, to the methods inside');
  t.equal((await resolveDid(P256_DID_KEY)).verificationMethod?.[0]?.type, 'Multikey', 'P-256');
  t.equal((await resolveDid(P384_DID_KEY)).verificationMethod?.[0]?.publicKeyMultibase, P384_DID_KEY.slice(8), 'P-384');
  await t.rejects(resolveDid('did:key:z6MkNotAKey'), { code: 'did-unresolvable', status: 400, message: /^Cannot resolve did:key:z6MkNotAKey: .+/ }, 'a malformed did:key');
  await t.rejects(resolveDid('did:example:centre'), { code: 'did-unresolvable', message: 'Cannot resolve did:example:centre: only did:key and did:web are supported' }, 'another method');
});

t.test('the service\'s own did:web: loaded once per version, its version read each time', async (t) => {
  const hosted = hostedDids();
  const resolveDid = createDidResolver({ localDids: hosted.localDids, resolveRemote: false });
  const first = await resolveDid(HOSTED);
  t.equal(first.verificationMethod?.[0]?.id, `${HOSTED}#key-1`, 'the document');
  t.ok(Object.isFrozen(first.verificationMethod), 'frozen');
  t.equal(await resolveDid(HOSTED), first, 'the same version: the kept document');
  t.same(hosted.reads, { versions: 2, documents: 1 }, 'two version reads, one load');
  hosted.versions.set(HOSTED, 2);
  t.equal((await resolveDid(HOSTED)).verificationMethod?.[0]?.id, `${HOSTED}#key-2`, 'a new version: loaded again');
  const notHosted = `Cannot resolve ${HOSTED}: it is not hosted by this service and remote did:web resolution is off (PASSERELLE_RESOLVE_REMOTE_DIDS=true enables it)`;
  hosted.versions.delete(HOSTED);
  await t.rejects(resolveDid(HOSTED), { code: 'did-unresolvable', message: notHosted }, 'no longer hosted');
  hosted.versions.set(HOSTED, 2);
  const reads = hosted.reads.documents;
  await resolveDid(HOSTED);
  t.equal(hosted.reads.documents, reads + 1, 'hosted again under an old version: loaded, not taken from before');
  const vanishing = createDidResolver({ localDids: { version: async () => 1, document: async () => undefined }, resolveRemote: false });
  await t.rejects(vanishing(HOSTED), { message: notHosted }, 'a version without a document: not hosted');
});

t.test('inside a snapshot each DID is resolved once; outside, every time', async (t) => {
  const hosted = hostedDids();
  const resolveDid = createDidResolver({ localDids: hosted.localDids, resolveRemote: false });
  const [a, b] = await withVerificationSnapshot(async () => [await resolveDid(HOSTED), await withVerificationSnapshot(() => resolveDid(HOSTED))]);
  t.equal(a, b, 'the same document');
  t.equal(hosted.reads.versions, 1, 'one version read in a snapshot, nested ones included');
  await resolveDid(HOSTED);
  await resolveDid(HOSTED);
  t.equal(hosted.reads.versions, 3, 'one per resolution outside');
  const failing = createDidResolver({ localDids: { version: async () => { hosted.reads.versions++; return undefined; }, document: async () => undefined }, resolveRemote: false });
  await withVerificationSnapshot(async () => {
    await t.rejects(failing(HOSTED), { code: 'did-unresolvable' }, 'a failure');
    await t.rejects(failing(HOSTED), { code: 'did-unresolvable' }, 'the same failure');
  });
  t.equal(hosted.reads.versions, 4, 'a failed resolution is not repeated in a snapshot');
});

t.test('with a change stamp, the version is read again only once the stamp has changed', async (t) => {
  const hosted = hostedDids();
  let stamp: string | undefined = 'a';
  let stamps = 0;
  const resolveDid = createDidResolver({ localDids: { ...hosted.localDids, changeStamp: () => { stamps++; return stamp; } }, resolveRemote: false });
  const first = await resolveDid(HOSTED);
  await resolveDid(HOSTED);
  t.same(hosted.reads, { versions: 1, documents: 1 }, 'same stamp: no second version read');
  stamp = 'b';
  t.equal(await resolveDid(HOSTED), first, 'new stamp, same version: the kept document');
  t.equal(hosted.reads.versions, 2, 'new stamp: the version read again');
  hosted.versions.set(HOSTED, 2);
  stamp = 'c';
  t.not(await resolveDid(HOSTED), first, 'new stamp, new version: loaded again');
  t.same(hosted.reads, { versions: 3, documents: 2 }, 'one version read, one load');
  stamp = undefined;
  await resolveDid(HOSTED);
  await resolveDid(HOSTED);
  t.equal(hosted.reads.versions, 5, 'no stamp (PostgreSQL, a transaction open): read every time');
  stamp = 'd';
  stamps = 0;
  hosted.versions.set(OTHER_HOSTED, 1);
  await withVerificationSnapshot(async () => { await resolveDid(HOSTED); await resolveDid(OTHER_HOSTED); });
  t.equal(stamps, 1, 'one stamp per snapshot');
});

t.test('remote did:web, when enabled: over HTTPS, bounded in time and size, the document\'s id checked', async (t) => {
  // The server's certificate is self-signed: this test process alone accepts it.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const answers = new Map<string, { status?: number; body?: string; delayMs?: number; location?: string }>();
  const server = https.createServer({
    key: fs.readFileSync(new URL('../fixtures/tls/loopback.key', import.meta.url)), cert: fs.readFileSync(new URL('../fixtures/tls/loopback.crt', import.meta.url)),
  }, (request, response) => {
    const answer = answers.get(request.url ?? '') ?? { status: 404 };
    setTimeout(() => {
      response.writeHead(answer.status ?? 200, answer.location ? { location: answer.location } : {});
      response.end(answer.body ?? '');
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { server.closeAllConnections(); server.close(); });
  const host = `127.0.0.1%3A${(server.address() as AddressInfo).port}`;
  const resolveDid = createDidResolver({ localDids: hostedDids().localDids, resolveRemote: true, remoteTimeoutMs: 500, remoteMaxBytes: 2048 });
  const did = (path: string) => `did:web:${host}${path}`;

  answers.set('/.well-known/did.json', { body: JSON.stringify(documentOf(did(''))) });
  t.equal((await resolveDid(did(''))).id, did(''), 'a host: /.well-known/did.json');
  answers.set('/orgs/centre/did.json', { body: JSON.stringify(documentOf(did(':orgs:centre'))) });
  t.equal((await resolveDid(did(':orgs:centre'))).id, did(':orgs:centre'), 'a path: /orgs/centre/did.json');
  const url = (path: string) => `https://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const refusals: Array<[string, string, { status?: number; body?: string; delayMs?: number; location?: string }, string | RegExp]> = [
    ['not found', ':missing', { status: 404 }, `${url('/missing/did.json')} answered 404`],
    ['another DID\'s document', ':other', { body: JSON.stringify(documentOf('did:web:example.org')) }, `document at ${url('/other/did.json')} has id did:web:example.org`],
    ['too large', ':large', { body: JSON.stringify({ ...documentOf(did(':large')), padding: 'x'.repeat(2048) }) }, 'DID document larger than 2048 bytes'],
    ['a redirect', ':moved', { status: 302, location: '/.well-known/did.json' }, 'fetch failed (unexpected redirect)'],
    ['too slow', ':slow', { delayMs: 2000, body: '{}' }, /aborted due to timeout/],
    ['not JSON', ':garbled', { body: '<html>' }, /JSON/],
  ];
  for (const [what, path, answer, why] of refusals) {
    answers.set(`${path.replaceAll(':', '/')}/did.json`, answer);
    const prefix = `Cannot resolve ${did(path)}: `;
    const error = await resolveDid(did(path)).then(() => undefined, (caught: { code?: string; message: string }) => caught);
    t.equal(error?.code, 'did-unresolvable', `${what}: did-unresolvable`);
    if (typeof why === 'string') t.equal(error?.message, `${prefix}${why}`, `${what}: why`);
    else t.match(error?.message.slice(prefix.length), why, `${what}: why`);
  }
  await t.rejects(resolveDid('did:web:'), { message: 'Cannot resolve did:web:: malformed did:web' }, 'no host');
});

t.test('verification methods and relationships are found by full or relative id', async (t) => {
  const document: DidDocument = {
    id: HOSTED, verificationMethod: [{ id: '#key-1', type: 'Multikey' }, { id: `${HOSTED}#key-2`, type: 'Multikey' }],
    assertionMethod: ['#key-1'], authentication: [{ id: `${HOSTED}#key-2` }],
  };
  t.equal(findVerificationMethod(document, `${HOSTED}#key-1`)?.id, '#key-1', 'a relative method by its full id');
  t.equal(findVerificationMethod(document, `${HOSTED}#key-2`)?.id, `${HOSTED}#key-2`, 'a full one');
  t.equal(findVerificationMethod(document, `${HOSTED}#key-3`), undefined, 'one it does not have');
  t.equal(findVerificationMethod({ id: HOSTED }, `${HOSTED}#key-1`), undefined, 'a document without methods');
  t.same([isAuthorisedFor(document, `${HOSTED}#key-1`, 'assertionMethod'), isAuthorisedFor(document, `${HOSTED}#key-2`, 'assertionMethod')], [true, false], 'assertionMethod');
  t.same([isAuthorisedFor(document, `${HOSTED}#key-2`, 'authentication'), isAuthorisedFor(document, `${HOSTED}#key-1`, 'authentication')], [true, false], 'authentication, as an object');
  t.equal(isAuthorisedFor({ id: HOSTED }, `${HOSTED}#key-1`, 'assertionMethod'), false, 'no relationship listed');
});
