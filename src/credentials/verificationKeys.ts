/**
 * Ed25519 public keys of verification methods as node:crypto key objects, imported once per key. Without this, each
 * proof check decodes the multibase key, wraps it in DER and builds a new key object (the Digital Bazaar verifier
 * does so on every `verify`, jose's importJWK on every JWS), which costs about as much as the signature check itself.
 *
 * A key object is a function of the verification method alone, so the cache needs no invalidation: a changed
 * method (another key, another type) is another cache key. Which methods a DID authorises is the DID resolver's
 * business (didResolver.ts), checked on every verification.
 */
import crypto from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { BoundedCache } from './boundedCache.js';

/** DER (SubjectPublicKeyInfo) header of an Ed25519 public key: the 32 key bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A key object is about a hundred bytes: ten thousand keys are a megabyte or two. */
const publicKeys = new BoundedCache<string, crypto.KeyObject>(10_000);

/** The Ed25519 public key of `verificationMethod` (Multikey, or any form @digitalbazaar/ed25519-multikey reads). */
export async function publicKeyObject(verificationMethod: Record<string, unknown>): Promise<crypto.KeyObject> {
  const cacheKey = JSON.stringify(verificationMethod);
  let key = publicKeys.get(cacheKey);
  if (!key) {
    const { publicKey } = await Ed25519Multikey.from(verificationMethod) as { publicKey: Uint8Array };
    key = crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    publicKeys.set(cacheKey, key);
  }
  return key;
}

/** The Data Integrity cryptosuites' `createVerifier` (same shape as @digitalbazaar/ed25519-multikey's), from a kept key. */
export async function createEd25519Verifier({ verificationMethod }: { verificationMethod: Record<string, unknown> }) {
  const key = await publicKeyObject(verificationMethod);
  return {
    algorithm: 'Ed25519',
    id: verificationMethod.id,
    verify: async ({ data, signature }: { data: Uint8Array; signature: Uint8Array }) => crypto.verify(null, data, key, signature),
  };
}
