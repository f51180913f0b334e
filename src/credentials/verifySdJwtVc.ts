import crypto from 'node:crypto';
import { compactVerify, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import { AppError, badRequest } from '../errors.js';
import { withVerificationSnapshot } from './verificationSnapshot.js';
import { assertProcessable, isObject } from './jsonLimits.js';
import { credentialFromSdJwtVcClaims, SD_HASH_ALGORITHM, SD_JWT_VC_FORMAT } from './sdJwtVc.js';
import { isVerifiedJwsAlg, JWS_KEY_ALGORITHMS, verifyCompactJws, type JsonObject } from './vcLibrary.js';
import { checkIssuerKeys, ResultBuilder, validityOf, type PresentationResult, type VerificationResult, type VerifyDeps } from './verify.js';

/** What verifySdJwtVc needs: the issuer's DID document, the local status lists and the clock. */
export type SdJwtVcVerifyDeps = Pick<VerifyDeps, 'resolveDid' | 'documentLoader' | 'statusChecker' | 'now'>;

export interface SdJwtVcVerifyOptions {
  /** The key binding JWT's `aud` must be this (OID4VP: the client identifier; VC-API: options.domain). */
  audience?: string;
  /** The key binding JWT's `nonce` must be this (the verifier's challenge). */
  nonce?: string;
  /** Refuse a credential without a key binding JWT; the default when an audience or nonce is given. */
  requireKeyBinding?: boolean;
}

export interface SdJwtVcVerification extends VerificationResult {
  /** The issuer-signed payload with the disclosed claims in place (what the holder chose to show), when readable. */
  claims?: JsonObject;
  /** The holder's key the credential is bound to (`cnf.jwk`). */
  holderJwk?: JsonObject;
}

/** Typ of the issuer-signed JWT: dc+sd-jwt, and vc+sd-jwt (its name until draft 06), which wallets still send. */
const SD_JWT_VC_TYPES = [SD_JWT_VC_FORMAT, 'vc+sd-jwt'];
const KB_JWT_TYPE = 'kb+jwt';
const JWS_ALGORITHM_NAMES = Object.keys(JWS_KEY_ALGORITHMS);
/**
 * A key binding JWT is made for one presentation: it is refused when older than five minutes (a wallet signs it as it
 * answers), or more than a minute in the future (clocks drift).
 */
const KEY_BINDING_MAX_AGE_SECONDS = 5 * 60;
const CLOCK_SKEW_SECONDS = 60;

/** A compact SD-JWT: a JWS, its disclosures and the key binding slot, separated by `~`. */
export const isSdJwt = (input: string): boolean => input.includes('~') && input.split('~', 1)[0]!.split('.').length === 3;

const hashOf = (text: string) => crypto.createHash('sha256').update(text, 'ascii').digest('base64url');

/**
 * Verifies an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc over RFC 9901) and, when present or required, its key binding.
 * One check per step, never a throw for an invalid credential (only for one that cannot be read):
 *  - proof: the issuer-signed JWT's signature, with the key its `kid` names in the issuer's DID document;
 *  - issuer: that key belongs to `iss` and may issue (assertionMethod);
 *  - disclosures: each disclosure is referenced, once, by a digest in the signed payload (a changed one is not);
 *  - keyBinding: the KB-JWT is signed by the key in `cnf`, its sd_hash covers this presentation, `iat` is recent, and
 *    `aud` and `nonce` are the audience and nonce asked for;
 *  - validity: nbf and exp; status: the Token Status List entry, read from this service's own lists.
 */
export function verifySdJwtVc(deps: SdJwtVcVerifyDeps, compact: string, options: SdJwtVcVerifyOptions = {}): Promise<SdJwtVcVerification> {
  return withVerificationSnapshot(() => verifyOnce(deps, compact, options));
}

async function verifyOnce(deps: SdJwtVcVerifyDeps, compact: string, options: SdJwtVcVerifyOptions): Promise<SdJwtVcVerification> {
  const { issuerJwt, disclosures, keyBindingJwt, header, payload } = parse(compact);
  const result = new ResultBuilder();
  const issuer = typeof payload.iss === 'string' ? payload.iss : '';
  const kid = typeof header.kid === 'string' ? (header.kid.startsWith('#') ? `${issuer}${header.kid}` : header.kid) : undefined;
  if (!SD_JWT_VC_TYPES.includes(String(header.typ)) || !isVerifiedJwsAlg(header.alg) || !kid) {
    result.add('proof', false, `An SD-JWT VC must have typ ${SD_JWT_VC_FORMAT}, be signed with ${JWS_ALGORITHM_NAMES.join(' or ')} and name its key in "kid" (got typ ${String(header.typ)}, alg ${String(header.alg)}, kid ${String(header.kid)})`);
  } else {
    const issuerOutcome = await checkIssuerKeys(deps.resolveDid, issuer, [kid]);
    try {
      const verificationMethod = (await deps.documentLoader(kid)).document as JsonObject;
      await verifyCompactJws(issuerJwt, verificationMethod);
      result.add('proof', true, `Signature valid (${SD_JWT_VC_FORMAT}, ${header.alg})`);
    } catch (error) {
      result.add('proof', false, `Signature invalid: ${error instanceof AppError ? error.detail : (error as Error).message}`);
    }
    result.add('issuer', issuerOutcome.valid, issuerOutcome.message);
  }

  const unpacked = await disclosedClaims(payload, disclosures, compact, keyBindingJwt);
  result.add('disclosures', 'claims' in unpacked, 'problem' in unpacked ? unpacked.problem : `${disclosures.length} disclosure(s), each referenced by the signed payload`);
  const claims = 'claims' in unpacked ? unpacked.claims : undefined;

  const holderJwk = isObject(payload.cnf) && isObject(payload.cnf.jwk) ? payload.cnf.jwk : undefined;
  const requireKeyBinding = options.requireKeyBinding ?? (options.nonce !== undefined || options.audience !== undefined);
  if (keyBindingJwt !== undefined || requireKeyBinding) {
    result.add('keyBinding', ...await keyBindingOutcome(deps, compact, keyBindingJwt, holderJwk, options));
  }

  result.add('validity', ...validityOf({}, deps.now(), payload));
  if (payload.status !== undefined) {
    const outcome = await deps.statusChecker.checkToken(payload.status, issuer);
    result.add('status', outcome.valid, outcome.message, outcome.errorType);
  }
  return {
    ...result.result({ format: SD_JWT_VC_FORMAT, ...(claims ? { credential: credentialFromSdJwtVcClaims(claims) } : {}) }),
    ...(claims ? { claims } : {}),
    ...(holderJwk ? { holderJwk } : {}),
  };
}

/**
 * An SD-JWT VC with key binding as a presentation (POST /presentations/verify): the key binding is the holder's proof,
 * checked against the challenge (nonce) and domain (aud); the credential's own checks are its credential result.
 */
export async function verifySdJwtVcPresentation(deps: SdJwtVcVerifyDeps, compact: string, options: { challenge?: string; domain?: string }): Promise<PresentationResult> {
  const presentation = new ResultBuilder();
  if (typeof options.challenge !== 'string') {
    presentation.add('presentation', false, 'options.challenge is required to check the holder\'s key binding: it is what prevents a presentation from being replayed');
    const credential = await verifySdJwtVc(deps, compact, { requireKeyBinding: true, audience: options.domain });
    return { ...presentation.result({}), credentialResults: [credential] };
  }
  const credential = await verifySdJwtVc(deps, compact, { requireKeyBinding: true, nonce: options.challenge, audience: options.domain });
  const keyBinding = credential.checks.find((check) => check.id === 'keyBinding')!;
  presentation.add('presentation', keyBinding.valid, keyBinding.message);
  const built = presentation.result({});
  return { ...built, verified: built.verified && credential.verified, credentialResults: [credential] };
}

interface ParsedSdJwt {
  issuerJwt: string;
  disclosures: string[];
  keyBindingJwt: string | undefined;
  header: ProtectedHeaderParameters;
  payload: JsonObject;
}

function parse(compact: string): ParsedSdJwt {
  const parts = compact.split('~');
  const [issuerJwt = '', ...rest] = parts;
  const last = rest.pop();
  if (last === undefined) throw badRequest('invalid-sd-jwt', 'An SD-JWT is the issuer-signed JWT, its disclosures and a key binding JWT (or nothing) after the last "~"');
  let header: ProtectedHeaderParameters;
  let payload: unknown;
  try {
    header = decodeProtectedHeader(issuerJwt);
    payload = JSON.parse(Buffer.from(issuerJwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isObject(payload)) throw new Error('payload is not an object');
  } catch (error) {
    throw badRequest('invalid-sd-jwt', `The SD-JWT's issuer-signed JWT cannot be decoded (${(error as Error).message}); send issuer-jwt~disclosure~...~[key-binding-jwt]`);
  }
  assertProcessable(payload, 'SD-JWT payload');
  return { issuerJwt, disclosures: rest, keyBindingJwt: last === '' ? undefined : last, header, payload };
}

/**
 * RFC 9901 §7.1: every disclosure must be referenced by exactly one digest, in the signed payload or in another
 * disclosed value, and a disclosed name must not replace a claim the payload already has. Returns what is wrong.
 */
function unreferencedDisclosure(payload: JsonObject, disclosures: string[]): string | undefined {
  if (payload._sd_alg !== undefined && payload._sd_alg !== SD_HASH_ALGORITHM) return `_sd_alg ${String(payload._sd_alg)} is not supported (only ${SD_HASH_ALGORITHM})`;
  const byDigest = new Map<string, { index: number; content: unknown[] }>();
  for (const [index, disclosure] of disclosures.entries()) {
    let content: unknown;
    try {
      content = JSON.parse(Buffer.from(disclosure, 'base64url').toString('utf8'));
    } catch {
      return `Disclosure ${index + 1} is not base64url-encoded JSON`;
    }
    if (!Array.isArray(content) || (content.length !== 2 && content.length !== 3) || typeof content[0] !== 'string' || (content.length === 3 && typeof content[1] !== 'string')) {
      return `Disclosure ${index + 1} is not [salt, name, value] or [salt, value]`;
    }
    const digestValue = hashOf(disclosure);
    if (byDigest.has(digestValue)) return `Disclosure ${index + 1} is sent twice`;
    byDigest.set(digestValue, { index, content });
  }
  const used = new Set<string>();
  let problem: string | undefined;
  const take = (digestValue: unknown, arity: number): unknown[] | undefined => {
    const found = typeof digestValue === 'string' ? byDigest.get(digestValue) : undefined;
    if (!found) return undefined; // a decoy, or a claim the holder did not disclose
    if (used.has(digestValue as string)) problem ??= `Disclosure ${found.index + 1} is referenced twice`;
    else if (found.content.length !== arity) problem ??= `Disclosure ${found.index + 1} is ${found.content.length === 3 ? 'an object property' : 'an array element'} where the payload expects ${arity === 3 ? 'an object property' : 'an array element'}`;
    used.add(digestValue as string);
    return found.content;
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) {
        const content = isObject(element) && Object.keys(element).length === 1 && '...' in element ? take(element['...'], 2) : undefined;
        visit(content ? content[1] : element);
      }
      return;
    }
    if (!isObject(value)) return;
    for (const [key, inner] of Object.entries(value)) if (key !== '_sd') visit(inner);
    for (const digestValue of Array.isArray(value._sd) ? value._sd : []) {
      const content = take(digestValue, 3);
      if (!content) continue;
      const name = content[1] as string;
      if (name === '_sd' || name === '...' || Object.hasOwn(value, name)) problem ??= `A disclosure names "${name}", which the signed payload already has or reserves`;
      visit(content[2]);
    }
  };
  visit(payload);
  if (problem) return problem;
  const unreferenced = [...byDigest].find(([digestValue]) => !used.has(digestValue))?.[1];
  return unreferenced ? `Disclosure ${unreferenced.index + 1} is referenced by no digest of the signed payload: it was changed, or belongs to another credential` : undefined;
}

/**
 * The payload with the disclosed claims in place (@sd-jwt's unpacking), once every disclosure is known to be
 * referenced; or what is wrong with the disclosures.
 */
async function disclosedClaims(payload: JsonObject, disclosures: string[], compact: string, keyBindingJwt: string | undefined): Promise<{ claims: JsonObject } | { problem: string }> {
  const problem = unreferencedDisclosure(payload, disclosures);
  if (problem) return { problem };
  const withoutKeyBinding = keyBindingJwt === undefined ? compact : compact.slice(0, compact.length - keyBindingJwt.length);
  try {
    const sdJwt = await new SDJwtVcInstance({ hasher: digest }).decode(withoutKeyBinding);
    const { _sd_alg: _alg, ...claims } = await sdJwt.getClaims<JsonObject>(digest);
    return { claims };
  } catch (error) {
    return { problem: `The disclosures cannot be applied to the payload: ${(error as Error).message}` };
  }
}

async function keyBindingOutcome(deps: SdJwtVcVerifyDeps, compact: string, keyBindingJwt: string | undefined, holderJwk: JsonObject | undefined,
  options: SdJwtVcVerifyOptions): Promise<[boolean, string]> {
  if (keyBindingJwt === undefined) return [false, 'No key binding JWT: the holder must present the credential with a KB-JWT signed by the key in cnf'];
  if (!holderJwk) return [false, 'The credential is bound to no key (no cnf.jwk), so its key binding JWT cannot be checked'];
  let header: ProtectedHeaderParameters;
  let claims: JsonObject;
  try {
    header = decodeProtectedHeader(keyBindingJwt);
    if (header.typ !== KB_JWT_TYPE) return [false, `The key binding JWT must have typ ${KB_JWT_TYPE} (got ${String(header.typ)})`];
    const { payload } = await compactVerify(keyBindingJwt, publicKeyOfJwk(holderJwk), { algorithms: JWS_ALGORITHM_NAMES });
    claims = JSON.parse(new TextDecoder().decode(payload)) as JsonObject;
    if (!isObject(claims)) throw new Error('its payload is not an object');
  } catch (error) {
    return [false, `The key binding JWT is not signed by the holder's key (cnf): ${(error as Error).message}`];
  }
  const presented = compact.slice(0, compact.length - keyBindingJwt.length);
  if (claims.sd_hash !== hashOf(presented)) return [false, 'The key binding JWT\'s sd_hash does not match this SD-JWT and its disclosures'];
  const now = Math.floor(deps.now().getTime() / 1000);
  if (typeof claims.iat !== 'number') return [false, 'The key binding JWT has no iat'];
  if (claims.iat > now + CLOCK_SKEW_SECONDS) return [false, `The key binding JWT was issued in the future (iat ${claims.iat})`];
  if (claims.iat < now - KEY_BINDING_MAX_AGE_SECONDS) return [false, `The key binding JWT is older than ${KEY_BINDING_MAX_AGE_SECONDS / 60} minutes (iat ${claims.iat}): it was made for an earlier presentation`];
  if (options.nonce !== undefined && claims.nonce !== options.nonce) {
    return [false, `The key binding JWT's nonce ${JSON.stringify(claims.nonce) ?? '(none)'} is not the nonce asked for (${options.nonce})`];
  }
  if (options.audience !== undefined && claims.aud !== options.audience) {
    return [false, `The key binding JWT's audience (aud) ${JSON.stringify(claims.aud) ?? '(none)'} is not ${options.audience}`];
  }
  const checked = [options.nonce !== undefined && 'nonce', options.audience !== undefined && 'aud'].filter(Boolean).join(' and ');
  return [true, `Key binding valid (signed by the holder's key${checked ? `; ${checked} match` : ''})`];
}

/** A holder's public JWK (`cnf.jwk`) as a key object; any private part is left out. Throws on a malformed key. */
function publicKeyOfJwk(jwk: JsonObject): crypto.KeyObject {
  const { d: _private, ...publicPart } = jwk;
  return crypto.createPublicKey({ key: publicPart as crypto.JsonWebKey, format: 'jwk' });
}
