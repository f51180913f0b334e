import type { LocalisedText } from '../db/schema.js';
import type { Accreditation, AccreditationRepository } from '../db/repositories/accreditations.js';
import { BoundedCache } from '../credentials/boundedCache.js';
import { snapshotStamp } from '../credentials/verificationSnapshot.js';
import { IMPORTED_ORIGIN_PREFIX } from './trustedIssuerList.js';
import { claimsOf } from './credentialClaims.js';
import { describeScope, scopeCovers, type CredentialClaims, type Scope, type ScopeType } from './scope.js';

type JsonObject = Record<string, unknown>;

/**
 * Whether a recognition authority vouches for the issuer for what this credential claims. It answers a different
 * question from the signature ("who signed, and is it intact?"), so it is reported on its own and never changes
 * `verified`: an unknown issuer's credential is unaccredited, not invalid.
 */
export interface TrustResult {
  id: 'trust';
  valid: boolean;
  message: string;
  issuer: string | null;
  /** The accreditations that cover this credential; empty when it is not accredited. */
  accreditations: Array<{
    id: string;
    authority: { id: string; name: LocalisedText };
    scope: { type: ScopeType; value: string; label: string };
    validFrom: string;
    validUntil: string;
    withdrawnAt: string | null;
    /** "local", or the id of the imported trusted-issuer list. */
    source: string;
  }>;
}

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

export function nameIn(name: LocalisedText, lang = 'en'): string {
  return name[lang] ?? name.en ?? name.fr ?? Object.values(name)[0] ?? '';
}

function issuerOf(credential: JsonObject): string | null {
  const issuer = credential.issuer;
  const id = typeof issuer === 'string' ? issuer : isObject(issuer) ? issuer.id : undefined;
  return typeof id === 'string' && id.startsWith('did:') ? id : null;
}

/** When the issuer made the statement: accreditation is judged at that moment, not at verification time. */
function issuedAt(credential: JsonObject, now: Date): Date {
  const stated = credential.validFrom ?? credential.issuanceDate;
  const date = typeof stated === 'string' ? new Date(stated) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : now;
}

const scopeOf = (a: Accreditation): Scope => ({ type: a.scopeType as ScopeType, value: a.scopeValue });
const endOf = (a: Accreditation) => new Date(a.withdrawnAt && a.withdrawnAt < a.validUntil ? a.withdrawnAt : a.validUntil);
const inForceAt = (a: Accreditation, at: Date) => new Date(a.validFrom) <= at && at < endOf(a);
const day = (iso: string) => iso.slice(0, 10);

function describeClaims(claims: CredentialClaims): string {
  const parts = [
    ...claims.levels.map((ref) => describeScope({ type: 'level', value: ref })),
    ...claims.iscoCodes.map((code) => `ISCO-08 ${code}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'no framework level or occupation';
}

/** Where the trust answer reads an issuer's accreditations. */
export type IssuerAccreditations = Pick<AccreditationRepository, 'ofIssuer'>;

export async function evaluateTrust(deps: { accreditations: IssuerAccreditations }, input: {
  credential?: JsonObject; signatureValid: boolean; now: Date; lang?: string;
}): Promise<TrustResult> {
  const lang = input.lang ?? 'en';
  const answer = (valid: boolean, message: string, issuer: string | null, covering: Accreditation[] = []): TrustResult => ({
    id: 'trust', valid, message, issuer,
    accreditations: covering.map((a) => ({
      id: a.id, authority: { id: a.authorityDid, name: a.authorityName },
      scope: { ...scopeOf(a), label: describeScope(scopeOf(a), lang) },
      validFrom: a.validFrom, validUntil: a.validUntil, withdrawnAt: a.withdrawnAt,
      source: a.origin.startsWith(IMPORTED_ORIGIN_PREFIX) ? a.origin.slice(IMPORTED_ORIGIN_PREFIX.length) : a.origin,
    })),
  });
  const issuer = input.credential ? issuerOf(input.credential) : null;
  if (!input.signatureValid || !input.credential) {
    return answer(false, 'Not evaluated: the signature or the issuer\'s key does not verify, so who issued this credential is not established', issuer);
  }
  if (!issuer) return answer(false, 'Not accredited: the issuer is not named by a DID', null);
  const held = await deps.accreditations.ofIssuer(issuer);
  if (held.length === 0) {
    return answer(false, `Not accredited: no recognition authority known to this service accredits ${issuer}`, issuer);
  }
  const claims = claimsOf(input.credential);
  const at = issuedAt(input.credential, input.now);
  const inScope = held.filter((a) => scopeCovers(scopeOf(a), claims));
  const covering = inScope.filter((a) => inForceAt(a, at));
  const by = (a: Accreditation) => `${nameIn(a.authorityName, lang)} (${a.authorityDid})`;
  if (covering.length > 0) {
    const statements = covering.map((a) => {
      const withdrawn = a.withdrawnAt ? `, withdrawn on ${day(a.withdrawnAt)} after this credential was issued` : '';
      const source = a.origin.startsWith(IMPORTED_ORIGIN_PREFIX) ? ` (trusted-issuer list ${a.origin.slice(IMPORTED_ORIGIN_PREFIX.length)})` : '';
      return `accredited by ${by(a)} for ${describeScope(scopeOf(a), lang)} until ${day(a.validUntil)}${withdrawn}${source}`;
    });
    return answer(true, `Issuer ${statements.join('; ')}`, issuer, covering);
  }
  if (inScope.length > 0) {
    const periods = inScope.map((a) => (a.withdrawnAt
      ? `${by(a)} accredited it for ${describeScope(scopeOf(a), lang)} from ${day(a.validFrom)}, withdrawn on ${day(a.withdrawnAt)}`
      : `${by(a)} accredited it for ${describeScope(scopeOf(a), lang)} from ${day(a.validFrom)} until ${day(a.validUntil)}`));
    return answer(false, `Not accredited when this credential was issued (${day(at.toISOString())}): ${periods.join('; ')}`, issuer);
  }
  const scopes = [...new Set(held.map((a) => `${describeScope(scopeOf(a), lang)} (by ${nameIn(a.authorityName, lang)})`))];
  return answer(false, `Not accredited for what this credential claims (${describeClaims(claims)}): ${issuer} is accredited for ${scopes.join(', ')}`, issuer);
}

/**
 * An issuer's accreditations kept between trust answers, read again only once the database's change stamp
 * (Database.changeStamp, taken once per verification snapshot) differs from the one taken before they were read:
 * every verification answered over HTTP asks for them. Without a stamp (PostgreSQL) they are read every time.
 */
export function keptAccreditations(repository: IssuerAccreditations, changeStamp: () => string | undefined): IssuerAccreditations {
  // An issuer's accreditations are a few rows; the cache is bounded because issuers come from requests.
  const kept = new BoundedCache<string, { stamp: string; held: Accreditation[] }>(10_000);
  return {
    async ofIssuer(issuerDid) {
      const stamp = snapshotStamp(changeStamp);
      const entry = kept.get(issuerDid);
      if (stamp !== undefined && entry?.stamp === stamp) return entry.held;
      const held = await repository.ofIssuer(issuerDid);
      if (stamp !== undefined) kept.set(issuerDid, { stamp, held });
      return held;
    },
  };
}

/** The trust answer for a verification result: evaluated only when the proof and the issuer's key check out. */
export function trustOfVerification(deps: { accreditations: IssuerAccreditations; now: () => Date }, result: {
  checks: Array<{ id: string; valid: boolean }>; credential?: JsonObject;
}, lang?: string): Promise<TrustResult> {
  const signatureValid = ['proof', 'issuer'].every((id) => result.checks.find((c) => c.id === id)?.valid === true);
  return evaluateTrust(deps, { credential: result.credential, signatureValid, now: deps.now(), lang });
}
