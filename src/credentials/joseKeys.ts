import crypto from 'node:crypto';
import { isObject } from './jsonLimits.js';
import { publicKeyObject } from './verificationKeys.js';

/** The JWS `alg` of an organisation's signing key: EdDSA for Ed25519, ES256 for P-256. */
export function joseAlgorithmOf(key: crypto.KeyObject): 'EdDSA' | 'ES256' {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`no JWS algorithm for a ${key.asymmetricKeyType} key`);
}

/** The algorithms a JWS of this service's issuers, and of holders' keys, may use. */
export const JWS_ALGORITHMS = ['EdDSA', 'ES256'] as const;

/**
 * The public key of a verification method, for jose: its `publicKeyJwk`, or an Ed25519 Multikey. Which algorithm the
 * key may verify is jose's check (an Ed25519 key never verifies an ES256 signature).
 */
export async function verificationKeyOf(verificationMethod: Record<string, unknown>): Promise<crypto.KeyObject> {
  if (isObject(verificationMethod.publicKeyJwk)) return publicKeyOfJwk(verificationMethod.publicKeyJwk);
  return publicKeyObject(verificationMethod);
}

/** A public JWK (a holder's `cnf.jwk`) as a key object; any private part is ignored. Throws on a malformed key. */
export function publicKeyOfJwk(jwk: Record<string, unknown>): crypto.KeyObject {
  const { d: _private, ...publicPart } = jwk;
  return crypto.createPublicKey({ key: publicPart as crypto.JsonWebKey, format: 'jwk' });
}
