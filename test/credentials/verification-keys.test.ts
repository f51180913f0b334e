/**
 * Kept public keys and signature checks (src/credentials/verificationKeys.ts) and the bounded cache they are kept in
 * (boundedCache.ts), called directly: keys made and signatures written by the Digital Bazaar Multikey libraries, the
 * same the service's signers use, checked here by node:crypto through the kept key objects.
 */
import crypto from 'node:crypto';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import t from 'tap';
import { BoundedCache } from '../../src/credentials/boundedCache.js';
import { createKeptKeyVerifier, publicKeyObject, signatureCheckOf } from '../../src/credentials/verificationKeys.js';

const DATA = new TextEncoder().encode('Maçonnerie, niveau 3');
const CONTROLLER = 'did:example:centre';

interface MultikeyPair { export(options: { publicKey: true }): Promise<Record<string, unknown>>; signer(): { sign(input: { data: Uint8Array }): Promise<Uint8Array> } }
const keyPairs: Array<[string, MultikeyPair, string, string, string]> = [
  ['Ed25519', await Ed25519Multikey.generate({ id: `${CONTROLLER}#ed`, controller: CONTROLLER }), 'Ed25519', 'ed25519', ''],
  ['P-256', await EcdsaMultikey.generate({ id: `${CONTROLLER}#p256`, controller: CONTROLLER, curve: 'P-256' }), 'P-256', 'ec', 'prime256v1'],
  ['P-384', await EcdsaMultikey.generate({ id: `${CONTROLLER}#p384`, controller: CONTROLLER, curve: 'P-384' }), 'P-384', 'ec', 'secp384r1'],
];

t.test('a verification method\'s key, kept once, checks its own signatures and no others', async (t) => {
  for (const [what, keyPair, algorithm, type, curve] of keyPairs) {
    const method = await keyPair.export({ publicKey: true });
    const key = await publicKeyObject(method);
    t.same([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve ?? ''], [type, curve], `${what}: the key's type and curve`);
    t.equal(await publicKeyObject({ ...method }), key, `${what}: the same method gives the kept key`);
    const check = signatureCheckOf(key);
    t.equal(check.algorithm, algorithm, `${what}: the algorithm`);
    t.equal(signatureCheckOf(key), check, `${what}: one check per key`);
    const signature = await keyPair.signer().sign({ data: DATA });
    t.equal(check.verify(DATA, signature), true, `${what}: its signature verifies`);
    t.equal(check.verify(new TextEncoder().encode('Maçonnerie, niveau 4'), signature), false, `${what}: not over other data`);
    const verifier = await createKeptKeyVerifier({ verificationMethod: method });
    t.same([verifier.algorithm, verifier.id, await verifier.verify({ data: DATA, signature })], [algorithm, method.id, true], `${what}: as a cryptosuite verifier`);
  }
  const [ed25519, p256] = await Promise.all(keyPairs.slice(0, 2).map(([, keyPair]) => keyPair.export({ publicKey: true })));
  t.not(await publicKeyObject({ ...ed25519, id: `${CONTROLLER}#other` }), await publicKeyObject(ed25519!), 'another method: another kept key');
  const signature = await keyPairs[0]![1].signer().sign({ data: DATA });
  t.equal(signatureCheckOf(await publicKeyObject(p256!)).verify(DATA, signature), false, 'another key\'s signature does not verify');
});

t.test('keys given as JWK are read by their type; other keys are refused by name', async (t) => {
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const fromJwk = await publicKeyObject({ id: `${CONTROLLER}#jwk`, type: 'JsonWebKey', controller: CONTROLLER, publicKeyJwk: ec.export({ format: 'jwk' }) });
  t.ok(fromJwk.equals(ec), 'an EC JWK');
  const okp = crypto.generateKeyPairSync('ed25519').publicKey;
  const fromOkp = await publicKeyObject({ id: `${CONTROLLER}#okp`, type: 'JsonWebKey', controller: CONTROLLER, publicKeyJwk: okp.export({ format: 'jwk' }) });
  t.ok(fromOkp.equals(okp), 'an OKP JWK');
  t.throws(() => signatureCheckOf(crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), { message: 'unsupported public key (ec secp256k1)' }, 'secp256k1');
  t.throws(() => signatureCheckOf(crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), { message: 'unsupported public key (rsa )' }, 'RSA');
  t.throws(() => signatureCheckOf(crypto.generateKeyPairSync('x25519').publicKey), { message: 'unsupported public key (x25519 )' }, 'X25519');
});

t.test('a bounded cache forgets the least recently used entry first', async (t) => {
  const cache = new BoundedCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  t.equal(cache.get('a'), 1, 'a read');
  cache.set('c', 3);
  t.same(['a', 'b', 'c'].map((key) => cache.get(key)), [1, undefined, 3], 'b, the least recently used, forgotten');
  cache.set('a', 10);
  cache.set('d', 4);
  t.same(['a', 'c', 'd'].map((key) => cache.get(key)), [10, undefined, 4], 'setting a again made it recent');
  cache.delete('a');
  cache.set('e', 5);
  t.same(['a', 'd', 'e'].map((key) => cache.get(key)), [undefined, 4, 5], 'deleted, and room for another');
  const one = new BoundedCache<string, number>(1);
  one.set('x', 0);
  t.equal(one.get('x'), 0, 'a falsy value is kept');
  one.set('y', 1);
  t.same([one.get('x'), one.get('y')], [undefined, 1], 'capacity one');
});
