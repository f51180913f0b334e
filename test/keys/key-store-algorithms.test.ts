/** The key store keeps P-256 keys beside Ed25519 ones, sealed the same way; keys kept before P-256 load unchanged. */
import crypto from 'node:crypto';
import t from 'tap';
import { KeyStore } from '../../src/keys/keyStore.js';
import { MemoryVault } from '../helpers/memoryVault.js';

const data = Buffer.from('signed by the key store');

for (const secret of [undefined, 'a key secret']) {
  const sealing = secret ? 'encrypted' : 'in plain text';
  t.test(`a P-256 key kept ${sealing} records its algorithm and loads as an ES256 signing key`, async (t) => {
    const vault = new MemoryVault();
    const store = new KeyStore(vault, secret);
    const { publicKeyMultibase } = await store.create('p256', 'P-256');
    t.match(publicKeyMultibase, /^zDna/);
    const sealed = vault.kept.get('p256')!;
    t.equal(sealed.algorithm, 'P-256', 'the algorithm is kept');
    t.equal('cipher' in sealed, Boolean(secret), secret ? 'sealed' : 'plain');
    const key = await new KeyStore(vault, secret).load('p256', 'did:example:org#key-2', 'did:example:org');
    t.match(key, { algorithm: 'P-256', alg: 'ES256', kid: 'did:example:org#key-2' });
    t.equal(key.keyPair.publicKeyMultibase, publicKeyMultibase, 'the same key as created');
    t.equal(key.keyPair.signer().algorithm, 'P-256');
    const signature = await key.keyPair.signer().sign({ data });
    const publicKey = crypto.createPublicKey(key.privateKey);
    t.ok(crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature), 'the key pair and the key object are one key');
  });

  t.test(`an Ed25519 key is kept ${sealing} exactly as before P-256 keys existed`, async (t) => {
    const vault = new MemoryVault();
    const store = new KeyStore(vault, secret);
    await store.create('ed25519');
    t.notOk('algorithm' in vault.kept.get('ed25519')!, 'no algorithm field');
    t.match(await store.load('ed25519', 'did:example:org#key-1', 'did:example:org'), { algorithm: 'Ed25519', alg: 'EdDSA' });
  });
}

t.test('a key file written before P-256 keys existed loads as the same Ed25519 key', async (t) => {
  const vault = new MemoryVault();
  const seed = Buffer.alloc(32, 7);
  vault.kept.set('legacy', { version: 1, seed: seed.toString('base64url') });
  const key = await new KeyStore(vault, undefined).load('legacy', 'did:example:org#key-1', 'did:example:org');
  t.equal(key.algorithm, 'Ed25519');
  const signature = await key.keyPair.signer().sign({ data });
  t.ok(crypto.verify(null, data, crypto.createPublicKey(key.privateKey), signature));
});

t.test('moving a P-256 key kept in plain text seals it with its algorithm', async (t) => {
  const vault = new MemoryVault();
  await new KeyStore(vault, undefined).create('p256', 'P-256');
  const moved = await new KeyStore(vault, 'a key secret').sealedForMove('p256');
  t.equal(moved.algorithm, 'P-256');
  t.ok('cipher' in moved, 'sealed');
});
