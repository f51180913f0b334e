/**
 * The holder's key named by an OID4VCI `jwt` proof: a `did:key` or `did:jwk` DID URL in `kid`, or a `jwk` header. The
 * credential is bound to it (credentialSubject.id = the DID; `cnf.jwk` for SD-JWT VC). Ed25519 (EdDSA) and P-256
 * (ES256) keys, resolved here without the network.
 */
import crypto from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, importJWK, type JWK } from 'jose';
import { base58btcBytes } from '../credentials/base58.js';

export const PROOF_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export const BINDING_METHODS = ['did:key', 'did:jwk', 'jwk'] as const;

export interface HolderKey {
  /** The public key, members of RFC 7638 only. */
  jwk: JWK;
  /** The DID the credential names as its subject: the proof's did:key or did:jwk, or did:jwk of a bare `jwk` header. */
  did: string;
  thumbprint: string;
}

/** Multicodec prefixes (unsigned varint) of did:key public keys. */
const ED25519_PUB = Buffer.from([0xed, 0x01]);
const P256_PUB = Buffer.from([0x80, 0x24]);
/** SubjectPublicKeyInfo of a compressed P-256 point, up to the point itself (RFC 5480). */
const P256_COMPRESSED_SPKI_PREFIX = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

export class HolderKeyError extends Error {}

/** Public members only, in a fixed order, so that did:jwk and thumbprints come out the same for the same key. */
function publicJwk(jwk: JWK): JWK {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) return { crv: 'Ed25519', kty: 'OKP', x: jwk.x };
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) return { crv: 'P-256', kty: 'EC', x: jwk.x, y: jwk.y };
  throw new HolderKeyError('the holder key must be an Ed25519 (OKP) or P-256 (EC) public key');
}

function jwkOfDidKey(did: string): JWK {
  const identifier = did.slice('did:key:'.length);
  if (!identifier.startsWith('z')) throw new HolderKeyError(`${did} is not a base58btc did:key`);
  let bytes: Buffer;
  try {
    bytes = base58btcBytes(identifier, 1);
  } catch {
    throw new HolderKeyError(`${did} is not a base58btc did:key`);
  }
  const key = bytes.subarray(2);
  if (bytes.subarray(0, 2).equals(ED25519_PUB) && key.length === 32) return { crv: 'Ed25519', kty: 'OKP', x: key.toString('base64url') };
  if (bytes.subarray(0, 2).equals(P256_PUB) && key.length === 33) {
    try {
      return crypto.createPublicKey({ key: Buffer.concat([P256_COMPRESSED_SPKI_PREFIX, key]), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK;
    } catch {
      throw new HolderKeyError(`${did} holds no valid P-256 point`);
    }
  }
  throw new HolderKeyError(`${did} is neither an Ed25519 nor a P-256 did:key`);
}

function jwkOfDidJwk(did: string): JWK {
  try {
    return JSON.parse(Buffer.from(did.slice('did:jwk:'.length), 'base64url').toString('utf8')) as JWK;
  } catch {
    throw new HolderKeyError(`${did} does not encode a JSON Web Key`);
  }
}

export const didJwkOf = (jwk: JWK): string => `did:jwk:${Buffer.from(JSON.stringify(publicJwk(jwk))).toString('base64url')}`;

/** The key and DID a proof names: `kid` a DID URL (did:key, did:jwk), else the `jwk` header (then did:jwk of it). */
export async function holderKeyOf(signer: { method: string; didUrl?: string; publicJwk?: JWK }): Promise<HolderKey> {
  let jwk: JWK;
  let did: string;
  if (signer.method === 'did' && signer.didUrl) {
    did = signer.didUrl.split('#')[0]!;
    if (did.startsWith('did:key:')) jwk = jwkOfDidKey(did);
    else if (did.startsWith('did:jwk:')) jwk = jwkOfDidJwk(did);
    else throw new HolderKeyError(`${did}: only did:key and did:jwk holder keys are supported`);
    jwk = publicJwk(jwk);
  } else if (signer.method === 'jwk' && signer.publicJwk) {
    jwk = publicJwk(signer.publicJwk);
    did = didJwkOf(jwk);
  } else {
    throw new HolderKeyError(`the proof names its key as "${signer.method}"; use a did:key or did:jwk kid, or a jwk header`);
  }
  return { jwk, did, thumbprint: await calculateJwkThumbprint(jwk, 'sha256') };
}

/** Verifies a compact JWS with the holder's key; the algorithm must be the key's own (EdDSA for Ed25519, ES256 for P-256). */
export async function verifiedWith(key: HolderKey, compact: string, alg: string): Promise<boolean> {
  const expected = key.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
  if (alg !== expected) return false;
  try {
    await compactVerify(compact, await importJWK(key.jwk, alg), { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}
