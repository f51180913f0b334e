/**
 * What an employer needs to know about one credential, in words a page can translate: a verdict, each check as a
 * finding, what the credential says (achievement, skills, occupations) and what its level is worth in a chosen
 * framework. Built on verifyCredential and the framework mapping layer; knows nothing of HTTP or HTML.
 */
import { holderNamedIn, nameMatches, type HolderNamed } from '../credentials/holderIdentity.js';
import { verifyCredential, type Check, type VerificationResult, type VerifyDeps } from '../credentials/verify.js';
import { mappingOfCredential, recognitionForCredential, type CredentialMapping, type CredentialRecognition } from '../frameworks/credentialMapping.js';
import type { Organisation } from '../db/repositories/organisations.js';
import { nameIn, trustOfVerification, type IssuerAccreditations, type TrustResult } from '../trust/trustCheck.js';
import { issuerIdOf, summariseCredential, type CredentialSummary } from './credentialText.js';

type JsonObject = Record<string, unknown>;

/** A credential's state as its holder sees it in the wallet. */
export type LiveState = 'valid' | 'revoked' | 'suspended' | 'expired' | 'not-yet-valid' | 'invalid';

/** The one-line answer for an employer. */
export type Verdict = 'valid' | 'valid-issuer-unknown' | 'revoked' | 'suspended' | 'expired' | 'not-yet-valid' | 'invalid';

/** Each check turned into a reason a page can say in plain words; `message` keeps the service's own (English) words. */
export type FindingReason =
  | 'signature-intact' | 'signature-broken'
  | 'issuer-known' | 'issuer-unknown' | 'issuer-unconfirmed'
  | 'accredited' | 'not-accredited'
  | 'within-dates' | 'no-end-date' | 'expired' | 'not-yet-valid' | 'dates-malformed'
  | 'not-revoked' | 'revoked' | 'suspended' | 'status-unavailable'
  | 'schema-valid' | 'schema-invalid'
  | 'other-valid' | 'other-invalid';

export interface Finding {
  check: string;
  /** pass, fail, or warning (an unknown or unaccredited issuer: not a reason to reject, a reason to look closer). */
  outcome: 'pass' | 'fail' | 'warning';
  reason: FindingReason;
  /** A date the reason refers to (expiry, start), ISO 8601. */
  date?: string;
  /** Names the sentence needs (e.g. the accrediting authority). */
  params?: Record<string, string>;
  message: string;
}

export interface CredentialReport {
  verdict: Verdict;
  state: LiveState;
  findings: Finding[];
  format: VerificationResult['format'];
  credential: JsonObject | undefined;
  summary: CredentialSummary | undefined;
  /** The issuing organisation when it is registered with this service. */
  issuer: { id: string; organisation: Organisation | undefined };
  mapping: CredentialMapping | undefined;
  /** Null when the credential names no level of a known framework; undefined when no framework was asked for. */
  recognition: CredentialRecognition | null | undefined;
  /** Whose credential it is, as it says (undefined when it cannot be read). */
  holder: HolderNamed | undefined;
  /** A name typed by the reader, compared with a hashed name in the credential. */
  holderCheck?: { name: string; matches: boolean };
}

export interface ReportDeps {
  verifyDeps: VerifyDeps;
  organisationByDid: (did: string) => Promise<Organisation | undefined>;
  /** Accreditations of issuers by recognition authorities; reported on their own, never part of the signature verdict. */
  accreditations?: IssuerAccreditations;
}

const ISO_DATE = /\d{4}-\d{2}-\d{2}T[0-9:.]+Z/;

function findingOf(check: Check, issuerKnown: boolean): Finding {
  const { id, valid, message } = check;
  const date = message.match(ISO_DATE)?.[0];
  const base = { check: id, message, ...(date ? { date } : {}) };
  switch (id) {
    case 'proof':
      return { ...base, outcome: valid ? 'pass' : 'fail', reason: valid ? 'signature-intact' : 'signature-broken' };
    case 'issuer':
      if (!valid) return { ...base, outcome: 'fail', reason: 'issuer-unconfirmed' };
      return { ...base, outcome: issuerKnown ? 'pass' : 'warning', reason: issuerKnown ? 'issuer-known' : 'issuer-unknown' };
    case 'validity':
      if (valid) return { ...base, outcome: 'pass', reason: date ? 'within-dates' : 'no-end-date' };
      return { ...base, outcome: 'fail', reason: /^Expired/.test(message) ? 'expired' : /^Not valid yet/.test(message) ? 'not-yet-valid' : 'dates-malformed' };
    case 'status':
      if (valid) return { ...base, outcome: 'pass', reason: 'not-revoked' };
      return { ...base, outcome: 'fail', reason: /^Revoked/.test(message) ? 'revoked' : /^Suspended/.test(message) ? 'suspended' : 'status-unavailable' };
    case 'schema':
      return { ...base, outcome: valid ? 'pass' : 'fail', reason: valid ? 'schema-valid' : 'schema-invalid' };
    default:
      return { ...base, outcome: valid ? 'pass' : 'fail', reason: valid ? 'other-valid' : 'other-invalid' };
  }
}

/** Worst first: a forged credential is "invalid" even if it also claims to be expired. */
function stateOf(findings: Finding[]): LiveState {
  const failed = (reason: FindingReason) => findings.some((f) => f.outcome === 'fail' && f.reason === reason);
  if (failed('signature-broken') || failed('issuer-unconfirmed')) return 'invalid';
  if (failed('revoked')) return 'revoked';
  if (failed('suspended')) return 'suspended';
  if (failed('expired')) return 'expired';
  if (failed('not-yet-valid')) return 'not-yet-valid';
  return findings.some((f) => f.outcome === 'fail') ? 'invalid' : 'valid';
}

/** Only an unknown issuer makes a genuine credential amber; accreditation is shown as its own line. */
function verdictOf(state: LiveState, findings: Finding[]): Verdict {
  if (state !== 'valid') return state;
  return findings.some((f) => f.reason === 'issuer-unknown') ? 'valid-issuer-unknown' : 'valid';
}

function trustFinding(trust: TrustResult, lang: string): Finding {
  const first = trust.accreditations[0];
  if (trust.valid && first) {
    return {
      check: 'trust', outcome: 'pass', reason: 'accredited', message: trust.message, date: first.validUntil,
      // The page words the scope in its own language from its type and value; `scope` is the service's English label.
      params: { authority: nameIn(first.authority.name, lang), scope: first.scope.label, scopeType: first.scope.type, scopeValue: first.scope.value },
    };
  }
  return { check: 'trust', outcome: 'warning', reason: 'not-accredited', message: trust.message };
}

/** Verifies and describes a credential. `target` chooses the framework to express its level in (by id or country). */
export async function reportOn(deps: ReportDeps, verifiable: unknown, options: { lang: string; framework?: string; holderName?: string }): Promise<CredentialReport> {
  const result = await verifyCredential(deps.verifyDeps, verifiable);
  const credential = result.credential;
  const issuerId = credential ? issuerIdOf(credential) : '';
  const organisation = issuerId ? await deps.organisationByDid(issuerId) : undefined;
  const findings = result.checks.map((check) => findingOf(check, organisation !== undefined));
  const signatureValid = ['proof', 'issuer'].every((id) => result.checks.find((c) => c.id === id)?.valid === true);
  let accreditations: TrustResult['accreditations'] = [];
  if (deps.accreditations && signatureValid) {
    const trust = await trustOfVerification({ accreditations: deps.accreditations, now: deps.verifyDeps.now }, result, options.lang);
    findings.splice(findings.findIndex((f) => f.check === 'issuer') + 1, 0, trustFinding(trust, options.lang));
    if (trust.valid) accreditations = trust.accreditations;
  }
  const state = stateOf(findings);
  let mapping: CredentialMapping | undefined;
  let recognition: CredentialRecognition | null | undefined;
  if (credential) {
    mapping = mappingOfCredential(credential, options.lang, { strict: false });
    if (options.framework) recognition = recognitionForCredential(credential, { framework: options.framework, lang: options.lang }, accreditations);
  }
  const holder = credential ? holderNamedIn(credential) : undefined;
  const typed = options.holderName?.trim();
  return {
    verdict: verdictOf(state, findings), state, findings, format: result.format, credential,
    summary: credential ? summariseCredential(credential, options.lang) : undefined,
    issuer: { id: issuerId, organisation }, mapping, recognition, holder,
    ...(holder?.kind === 'hashed-name' && typed ? { holderCheck: { name: typed, matches: nameMatches(holder, typed) } } : {}),
  };
}
