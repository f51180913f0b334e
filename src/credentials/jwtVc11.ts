import { readNumericDate } from './dates.js';
import { isObject } from './jsonLimits.js';
import type { JsonObject } from './vcLibrary.js';

/**
 * VC Data Model 1.1 §6.3.1, JWT encoding: the credential goes in the `vc` claim, and its issuer, id, issuance and
 * expiration dates and subject id are also given as the registered claims iss, jti, nbf, exp and sub. The spec allows
 * them "instead of or in addition to" the credential's own properties; they are kept in both, so that the credential
 * reads the same to processors of either kind.
 */
export function vc11JwtClaims(credential: JsonObject): JsonObject {
  const seconds = (value: unknown) => (typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : undefined);
  const subject = Array.isArray(credential.credentialSubject) ? undefined : credential.credentialSubject;
  const claims: JsonObject = {
    vc: credential,
    iss: idOf(credential.issuer),
    jti: credential.id,
    nbf: seconds(credential.issuanceDate),
    exp: seconds(credential.expirationDate),
    sub: isObject(subject) ? idOf(subject) : undefined,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

const idOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : isObject(value) && typeof value.id === 'string' ? value.id : undefined;

export interface DecodedVc11 {
  credential: JsonObject;
  /** Registered claims that contradict the credential's own properties: each one a sentence. */
  conflicts: string[];
}

/**
 * VC Data Model 1.1 §6.3.1, JWT decoding: the `vc` claim completed from the registered claims (iss -> issuer, jti -> id,
 * nbf -> issuanceDate, exp -> expirationDate, sub -> credentialSubject.id). Where the credential also states the
 * property and the two disagree, the claim is what the decoding rules keep, but the credential would read differently
 * to a processor that looks at `vc` alone: reported as a conflict, which fails verification.
 */
export function credentialFromVc11Claims(payload: JsonObject & { vc: JsonObject }): DecodedVc11 {
  const credential: JsonObject = structuredClone(payload.vc);
  const conflicts: string[] = [];
  const conflict = (claim: string, property: string, claimValue: unknown, own: unknown) =>
    conflicts.push(`The JWT claim ${claim} (${JSON.stringify(claimValue)}) contradicts vc.${property} (${JSON.stringify(own)})`);

  if (typeof payload.iss === 'string') {
    const own = idOf(credential.issuer);
    if (own !== undefined && own !== payload.iss) conflict('iss', 'issuer', payload.iss, credential.issuer);
    credential.issuer = isObject(credential.issuer) ? { ...credential.issuer, id: payload.iss } : payload.iss;
  }
  if (typeof payload.jti === 'string') {
    if (credential.id !== undefined && credential.id !== payload.jti) conflict('jti', 'id', payload.jti, credential.id);
    credential.id = payload.jti;
  }
  if (typeof payload.sub === 'string') {
    const subject = credential.credentialSubject;
    if (!isObject(subject)) {
      conflicts.push('The JWT claim sub names one subject, but vc.credentialSubject is not one object');
    } else {
      if (subject.id !== undefined && subject.id !== payload.sub) conflict('sub', 'credentialSubject.id', payload.sub, subject.id);
      credential.credentialSubject = { ...subject, id: payload.sub };
    }
  }
  // An unusable nbf or exp is left out here and reported by the validity check, which reads the claims themselves.
  for (const [claim, property] of [['nbf', 'issuanceDate'], ['exp', 'expirationDate']] as const) {
    const date = readNumericDate(payload[claim], claim).date;
    if (!date) continue;
    const own = credential[property];
    if (own !== undefined && (typeof own !== 'string' || Math.floor(Date.parse(own) / 1000) !== Math.floor(date.getTime() / 1000))) {
      conflict(claim, property, payload[claim], own);
    }
    credential[property] = date.toISOString().replace('.000Z', 'Z');
  }
  return { credential, conflicts };
}
