import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SDJwtVcInstance, type SdJwtVcPayload } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { projectRoot } from '../config.js';
import type { JwsAlgorithm } from '../keys/keyStore.js';
import { badRequest } from '../errors.js';
import { CONTEXTS } from './contexts/index.js';
import { isObject } from './jsonLimits.js';
import type { TokenStatusReference } from './tokenStatusList.js';
import type { JsonObject } from './vcLibrary.js';

/**
 * SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, `typ` dc+sd-jwt, as @sd-jwt/sd-jwt-vc 0.19 implements it; SD-JWT itself is
 * RFC 9901). The service's achievement credentials keep their VC shape inside the SD-JWT's payload, without
 * `@context` (an SD-JWT VC is plain JSON), so that a disclosed credential reads like the JSON credential it came from
 * and the employer report works on either. The registered claims replace the VC properties they stand for:
 * id -> jti, issuer -> iss, validFrom -> nbf, validUntil -> exp, credentialSubject.id -> sub, credentialStatus -> status.
 * (jti links presentations no more than the status entry does, and names the credential for POST /credentials/status.)
 *
 * What the holder chooses to show (each its own disclosure): the subject's id (`sub`), each identifier (the name),
 * each result, each piece of evidence, each alignment of the achievement (framework levels, ESCO skills, ISCO
 * occupation), and any other property of the subject (birth date, credits, completion date). What the credential is
 * (type, name, the achievement without its alignments) and who issued it always show.
 */
export const SD_JWT_VC_FORMAT = 'dc+sd-jwt';

/** The one credential type this service issues as SD-JWT VC, and the URL its type metadata is served at. */
export const achievementVct = (baseUrl: string) => `${baseUrl}/vct/achievement`;

/** The hash of disclosures and of key bindings' sd_hash (IANA "Named Information Hash Algorithm" name). */
export const SD_HASH_ALGORITHM = 'sha-256';

/** Properties of the VC that the registered claims carry, or that have no meaning in an SD-JWT VC. */
const REPLACED_PROPERTIES = new Set(['@context', 'issuer', 'validFrom', 'validUntil', 'issuanceDate', 'expirationDate', 'credentialStatus', 'proof', 'id']);
/** Subject properties that always show: what the credential is about. */
const PLAIN_SUBJECT_PROPERTIES = new Set(['type', 'achievement']);
/** Arrays whose elements are disclosed one by one. */
const ELEMENTWISE_SUBJECT_PROPERTIES = new Set(['identifier', 'result']);

export interface SdJwtVcClaims {
  payload: SdJwtVcPayload;
  /** @sd-jwt's disclosure frame: which claims (and array elements) become disclosures. */
  disclosureFrame: JsonObject;
}

const seconds = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
};

const indexes = (value: unknown): number[] => (Array.isArray(value) ? value.map((_, i) => i) : []);

/**
 * The SD-JWT VC payload of a prepared credential (issuer, dates and status already decided) and what is disclosable.
 * `holderJwk` binds it to the holder's key (`cnf.jwk`, checked through the key binding JWT of each presentation).
 */
export function sdJwtVcClaimsOf(credential: JsonObject, args: {
  vct: string; issuedAt: Date; status?: TokenStatusReference; holderJwk?: JsonObject;
}): SdJwtVcClaims {
  const subject = credential.credentialSubject;
  if (!isObject(subject)) {
    throw badRequest('unsupported-credential-for-sd-jwt', 'An SD-JWT VC is about one subject: credentialSubject must be one object');
  }
  const issuer = isObject(credential.issuer) ? credential.issuer.id : credential.issuer;
  const { id: subjectId, ...subjectClaims } = subject;
  const rest = Object.fromEntries(Object.entries(credential).filter(([key]) => !REPLACED_PROPERTIES.has(key) && key !== 'credentialSubject'));
  const payload: SdJwtVcPayload = {
    ...rest,
    iss: String(issuer),
    iat: Math.floor(args.issuedAt.getTime() / 1000),
    vct: args.vct,
    credentialSubject: subjectClaims,
  };
  const notBefore = seconds(credential.validFrom ?? credential.issuanceDate);
  if (notBefore !== undefined) payload.nbf = notBefore;
  const expires = seconds(credential.validUntil ?? credential.expirationDate);
  if (expires !== undefined) payload.exp = expires;
  if (typeof credential.id === 'string') payload.jti = credential.id;
  if (typeof subjectId === 'string') payload.sub = subjectId;
  if (args.holderJwk) payload.cnf = { jwk: args.holderJwk };
  if (args.status) payload.status = args.status;

  const subjectFrame: JsonObject = {
    _sd: Object.keys(subjectClaims).filter((key) => !PLAIN_SUBJECT_PROPERTIES.has(key) && !ELEMENTWISE_SUBJECT_PROPERTIES.has(key)),
  };
  for (const key of ELEMENTWISE_SUBJECT_PROPERTIES) {
    if (Array.isArray(subjectClaims[key])) subjectFrame[key] = { _sd: indexes(subjectClaims[key]) };
  }
  const achievement = subjectClaims.achievement;
  if (isObject(achievement) && Array.isArray(achievement.alignment)) subjectFrame.achievement = { alignment: { _sd: indexes(achievement.alignment) } };
  const disclosureFrame: JsonObject = { _sd: typeof subjectId === 'string' ? ['sub'] : [], credentialSubject: subjectFrame };
  if (Array.isArray(rest.evidence)) disclosureFrame.evidence = { _sd: indexes(rest.evidence) };
  return { payload, disclosureFrame };
}

/**
 * Signs the SD-JWT VC with the organisation's key (`kid` the key's DID URL, so that verifiers resolve it through the
 * issuer's DID document): the issuer-signed JWT, then each disclosure, then the empty key binding slot (`~`).
 */
export async function signSdJwtVc(claims: SdJwtVcClaims, key: { kid: string; alg: JwsAlgorithm; privateKey: crypto.KeyObject }): Promise<string> {
  const { alg } = key;
  const sdJwt = new SDJwtVcInstance({
    signAlg: alg,
    signer: (data: string) => crypto.sign(alg === 'ES256' ? 'sha256' : null, Buffer.from(data), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url'),
    hasher: digest,
    hashAlg: SD_HASH_ALGORITHM,
    saltGenerator: generateSalt,
  });
  return sdJwt.issue(claims.payload, claims.disclosureFrame as never, { header: { kid: key.kid } });
}

/**
 * The credential as the disclosed claims of an SD-JWT VC tell it, in the VC shape the service's JSON credentials
 * have (the reverse of sdJwtVcClaimsOf): for reports, recognition and trust, which read credentials.
 */
export function credentialFromSdJwtVcClaims(claims: JsonObject): JsonObject {
  const { iss, jti, iat: _iat, nbf, exp, vct: _vct, cnf: _cnf, status: _status, sub, _sd_alg: _alg, credentialSubject, ...rest } = claims;
  const date = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000).toISOString().replace('.000Z', 'Z') : undefined);
  const credential: JsonObject = {
    '@context': [CONTEXTS.credentialsV2, CONTEXTS.openBadges303],
    ...(typeof jti === 'string' ? { id: jti } : {}),
    ...rest,
    issuer: iss,
    credentialSubject: { ...(typeof sub === 'string' ? { id: sub } : {}), ...(isObject(credentialSubject) ? credentialSubject : {}) },
  };
  if (date(nbf)) credential.validFrom = date(nbf);
  if (date(exp)) credential.validUntil = date(exp);
  // Arrays disclosed element by element are empty when the holder showed none of them: absent, as in a JSON credential.
  const subject = credential.credentialSubject as JsonObject;
  const achievement = isObject(subject.achievement) ? subject.achievement : {};
  for (const [owner, key] of [[credential, 'evidence'], [subject, 'identifier'], [subject, 'result'], [achievement, 'alignment']] as const) {
    if (Array.isArray(owner[key]) && owner[key].length === 0) delete owner[key];
  }
  return credential;
}

/** The vct's type metadata (SD-JWT VC "Type Metadata"), from data/vct/achievement.json: names and claims, in four languages. */
export function achievementTypeMetadata(baseUrl: string): JsonObject {
  return { vct: achievementVct(baseUrl), ...typeMetadataFile() };
}

let typeMetadata: JsonObject | undefined;
function typeMetadataFile(): JsonObject {
  if (!typeMetadata) {
    const { $comment: _comment, ...metadata } = JSON.parse(readFileSync(path.join(projectRoot, 'data', 'vct', 'achievement.json'), 'utf8')) as JsonObject;
    typeMetadata = metadata;
  }
  return typeMetadata;
}
