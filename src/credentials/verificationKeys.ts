/**
 * Public keys of verification methods (Ed25519 and ECDSA: P-256, P-384) as node:crypto key objects, imported once
 * per key. Without this, each proof check decodes the multibase key, wraps it in DER and builds a new key object (the
 * Digital Bazaar verifiers do so on every `verify`, jose's importJWK on every JWS), which costs about as much as the
 * signature check itself.
 *
 * A key object is a function of the verification method alone, so the cache needs no invalidation: a changed
 * method (another key, another type) is another cache key. Which methods a DID authorises is the DID resolver's
 * business (didResolver.ts), checked on every verification.
 */
import crypto from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { BoundedCache } from './boundedCache.js';

/** DER (SubjectPublicKeyInfo) header of an Ed25519 public key: the 32 key bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A key object is about a hundred bytes: ten thousand keys are a megabyte or two. */
const publicKeys = new BoundedCache<string, crypto.KeyObject>(10_000);

/**
 * Multibase prefixes of the ECDSA Multikeys (base58btc of the multicodec header and a compressed point): p256-pub
 * (0x1200) gives "zDn", p384-pub (0x1201) "z82". Everything else goes to the Ed25519 reader.
 */
const ECDSA_MULTIBASE_PREFIXES = ['zDn', 'z82'];

function isEcdsaKey(verificationMethod: Record<string, unknown>): boolean {
  const { publicKeyMultibase, publicKeyJwk } = verificationMethod;
  if (typeof publicKeyMultibase === 'string') return ECDSA_MULTIBASE_PREFIXES.some((prefix) => publicKeyMultibase.startsWith(prefix));
  return (publicKeyJwk as { kty?: unknown } | undefined)?.kty === 'EC';
}

/** The public key of `verificationMethod` (Multikey, or any form the Digital Bazaar Ed25519 and ECDSA readers take). */
export async function publicKeyObject(verificationMethod: Record<string, unknown>): Promise<crypto.KeyObject> {
  const cacheKey = JSON.stringify(verificationMethod);
  let key = publicKeys.get(cacheKey);
  if (!key) {
    if (isEcdsaKey(verificationMethod)) {
      const jwk = await EcdsaMultikey.toJwk({ keyPair: await EcdsaMultikey.from(verificationMethod) }) as crypto.JsonWebKey;
      key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    } else {
      const { publicKey } = await Ed25519Multikey.from(verificationMethod) as { publicKey: Uint8Array };
      key = crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    }
    publicKeys.set(cacheKey, key);
  }
  return key;
}

/** The curve's name as JOSE and the ECDSA cryptosuites spell it, and the hash ECDSA uses with it. */
const ECDSA_CURVES: Record<string, { name: string; hash: string }> = {
  prime256v1: { name: 'P-256', hash: 'sha256' },
  secp384r1: { name: 'P-384', hash: 'sha384' },
};

type SignatureCheck = { algorithm: string; verify(data: Uint8Array, signature: Uint8Array): boolean };

/** One check per kept key object: made once, like the key (a key object that is not kept is simply collected). */
const signatureChecks = new WeakMap<crypto.KeyObject, SignatureCheck>();

/**
 * How to check a signature with `key`: its algorithm (Ed25519, P-256, P-384) and a check of raw signatures (ECDSA's
 * as r‖s, IEEE P1363, as Data Integrity and JWS both encode them).
 */
export function signatureCheckOf(key: crypto.KeyObject): SignatureCheck {
  let check = signatureChecks.get(key);
  if (!check) {
    check = makeSignatureCheck(key);
    signatureChecks.set(key, check);
  }
  return check;
}

function makeSignatureCheck(key: crypto.KeyObject): SignatureCheck {
  if (key.asymmetricKeyType === 'ed25519') return { algorithm: 'Ed25519', verify: (data, signature) => crypto.verify(null, data, key, signature) };
  const curve = key.asymmetricKeyType === 'ec' ? ECDSA_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (!curve) throw new Error(`unsupported public key (${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''})`);
  const publicKey = { key, dsaEncoding: 'ieee-p1363' as const };
  return { algorithm: curve.name, verify: (data, signature) => crypto.verify(curve.hash, data, publicKey, signature) };
}

/**
 * The Data Integrity cryptosuites' `createVerifier` (same shape as the Digital Bazaar Multikey libraries'), from a
 * kept key: for the eddsa suites and the ecdsa ones alike.
 */
export async function createKeptKeyVerifier({ verificationMethod }: { verificationMethod: Record<string, unknown> }) {
  const check = signatureCheckOf(await publicKeyObject(verificationMethod));
  return {
    algorithm: check.algorithm,
    id: verificationMethod.id,
    verify: async ({ data, signature }: { data: Uint8Array; signature: Uint8Array }) => check.verify(data, signature),
  };
}
