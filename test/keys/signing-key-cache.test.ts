/**
 * An Ed25519 key is imported once per verification method and signs with that key object: its signatures are the
 * key's own (the same bytes the Multikey library gives from the seed), and after a rotation the next credential is
 * signed with the new key, while the old one's credentials still verify.
 */
import crypto from 'node:crypto';
import t from 'tap';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { KeyStore } from '../../src/keys/keyStore.js';
import { MemoryVault } from '../helpers/memoryVault.js';
import { publicKeyObject } from '../../src/credentials/verificationKeys.js';
import { buildTestApp, openBadgeCredential } from '../helpers/app.js';

type Json = Record<string, any>;

const multikey = (publicKeyMultibase: string) => ({ '@context': 'https://w3id.org/security/multikey/v1', type: 'Multikey', publicKeyMultibase });

t.test('each Ed25519 key signs with its own key, the signatures the Multikey library makes from the seed', async (t) => {
  const vault = new MemoryVault();
  const store = new KeyStore(vault, undefined);
  const first = await store.create('key-a');
  const second = await store.create('key-b');
  const a = await store.load('key-a', 'did:example:a#key-1', 'did:example:a');
  const b = await store.load('key-b', 'did:example:a#key-2', 'did:example:a');
  t.equal(await store.load('key-a', 'did:example:a#key-1', 'did:example:a'), a, 'loaded once per verification method');
  const data = new TextEncoder().encode('a credential to sign');
  for (const [name, key, own, other, id] of [['first', a, first, second, 'key-a'], ['second', b, second, first, 'key-b']] as const) {
    const signer = key.keyPair.signer();
    t.equal(signer.id, key.kid, `${name}: the signer names its verification method`);
    t.equal(signer.algorithm, 'Ed25519', `${name}: Ed25519`);
    const signature = await signer.sign({ data });
    t.ok(crypto.verify(null, data, await publicKeyObject(multikey(own.publicKeyMultibase)), signature), `${name}: verifies with its public key`);
    t.notOk(crypto.verify(null, data, await publicKeyObject(multikey(other.publicKeyMultibase)), signature), `${name}: not with the other key`);
    const seed = Buffer.from((vault.kept.get(id) as { seed: string }).seed, 'base64url');
    const library = await Ed25519Multikey.generate({ seed, id: key.kid, controller: 'did:example:a' });
    t.same(Buffer.from(signature), Buffer.from(await library.signer().sign({ data })), `${name}: the library's signature from the seed`);
  }
});

t.test('after a rotation, issuance signs with the new key at once, and both keys\' credentials verify', async (t) => {
  const ctx = await buildTestApp(t);
  const { auth, slug } = await ctx.issuer();
  const issue = async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/credentials/issue', headers: auth, payload: { credential: openBadgeCredential(), options: { issuer: 'organisation' } } });
    t.equal(response.statusCode, 201, 'issued', { body: response.body });
    return response.json().verifiableCredential as Json;
  };
  const verified = async (verifiableCredential: Json) => (await ctx.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })).json().verified as boolean;
  const before = [await issue(), await issue()];
  const rotate = await ctx.app.inject({ method: 'POST', url: `/orgs/${slug}/keys/rotate`, headers: ctx.admin });
  t.equal(rotate.statusCode, 200, 'rotated', { body: rotate.body });
  const newKey = (rotate.json().keys as Json[]).find((key) => key.algorithm === 'Ed25519')!;
  const after = await issue();
  t.equal(after.proof.verificationMethod, newKey.verificationMethod, 'the next credential names the new key');
  t.not(after.proof.verificationMethod, before[0]!.proof.verificationMethod, 'not the old one');
  t.equal(before[1]!.proof.verificationMethod, before[0]!.proof.verificationMethod, 'the old key signed both before');
  t.equal(await verified(after), true, 'signed by the new key');
  t.equal(await verified(before[1]!), true, 'the old key\'s credential still verifies');
});
