import { decodeProtectedHeader } from 'jose';
import { AppError, badRequest } from '../errors.js';
import { CONTEXTS } from './contexts/index.js';
import { findVerificationMethod, isAuthorisedFor, type DidResolver } from './didResolver.js';
import type { DocumentLoader } from './documentLoader.js';
import { withVerificationSnapshot } from './verificationSnapshot.js';
import { readDateTime, readNumericDate } from './dates.js';
import { credentialFromVc11Claims, type DecodedVc11 } from './jwtVc11.js';
import { checkRelatedResources, type LocalResources } from './relatedResources.js';
import { assertProcessable, isObject } from './jsonLimits.js';
import type { SchemaValidator } from './schemaCheck.js';
import type { StatusChecker } from './statusCheck.js';
import { checkCredentialShape, isVerifiedJwsAlg, type JsonObject } from './vcLibrary.js';
import type { ProofVerifier } from './verifyPool.js';
import { isSdJwt, verifySdJwtVc, verifySdJwtVcPresentation } from './verifySdJwtVc.js';

/** Stable check ids: clients and pages switch on them. */
export type CheckId = 'envelope' | 'claims' | 'proof' | 'issuer' | 'validity' | 'status' | 'schema' | 'relatedResource' | 'presentation'
  | 'disclosures' | 'keyBinding';
export interface Check { id: CheckId; valid: boolean; message: string }
export interface ProblemDetail { type: string; title: string; detail: string }

export interface VerificationResult {
  verified: boolean;
  checks: Check[];
  problemDetails: ProblemDetail[];
  /** The credential as verified (decoded from the JWT for vc+jwt). */
  credential?: JsonObject;
  format?: 'data-integrity' | 'vc+jwt' | 'dc+sd-jwt';
}

export interface VerifyDeps {
  resolveDid: DidResolver;
  documentLoader: DocumentLoader;
  statusChecker: StatusChecker;
  schemaValidator: SchemaValidator;
  /** Runs the CPU-heavy proof checks (off the event loop: see verifyPool.ts). */
  proofs: ProofVerifier;
  /** Bytes of the resources the service holds, for relatedResource digests. */
  localResources: LocalResources;
  now: () => Date;
}

const ERROR_TYPES: Record<CheckId, string> = {
  envelope: 'https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR',
  claims: 'https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR',
  relatedResource: 'https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR',
  proof: 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR',
  presentation: 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR',
  disclosures: 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR',
  keyBinding: 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR',
  issuer: 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR',
  validity: 'https://www.w3.org/TR/vc-data-model#RANGE_ERROR',
  status: 'https://www.w3.org/TR/vc-bitstring-status-list#STATUS_VERIFICATION_ERROR',
  schema: 'https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR',
};

export class ResultBuilder {
  readonly checks: Check[] = [];
  readonly problemDetails: ProblemDetail[] = [];

  add(id: CheckId, valid: boolean, message: string, errorType?: string): void {
    this.checks.push({ id, valid, message });
    if (!valid) {
      this.problemDetails.push({
        type: errorType ? `https://www.w3.org/TR/vc-bitstring-status-list#${errorType}` : ERROR_TYPES[id],
        title: `${id} check failed`, detail: message,
      });
    }
  }

  result(extra: Partial<VerificationResult>): VerificationResult {
    return { verified: this.checks.every((c) => c.valid), checks: this.checks, problemDetails: this.problemDetails, ...extra };
  }
}

const ENVELOPED_JWT_PREFIX = 'data:application/vc+jwt,';
const ENVELOPED_VP_PREFIX = 'data:application/vp+jwt,';

/**
 * VC-JOSE-COSE's envelopes are VC 2.0 documents themselves: an `@context` whose first item is the VC 2.0 context (the
 * URL alone, or an array starting with it). Anything else is reported, not trusted. (Their type is what made them
 * envelopes here.)
 */
function envelopeProblem(envelope: JsonObject, type: string): string | undefined {
  const context = envelope['@context'];
  const first = Array.isArray(context) ? context[0] : context;
  if (first === CONTEXTS.credentialsV2) return undefined;
  return `The ${type}'s @context must be "${CONTEXTS.credentialsV2}" or an array starting with it (got ${JSON.stringify(context) ?? 'none'})`;
}

/** A compact JWT, an EnvelopedVerifiableCredential, or a credential with a Data Integrity proof. */
export function verifyCredential(deps: VerifyDeps, input: unknown): Promise<VerificationResult> {
  return withVerificationSnapshot(() => verifyCredentialOnce(deps, input));
}

async function verifyCredentialOnce(deps: VerifyDeps, input: unknown): Promise<VerificationResult> {
  if (typeof input === 'string' && isSdJwt(input)) return verifySdJwtVc(deps, input);
  if (typeof input === 'string') return verifyJwtCredential(deps, input);
  if (!isObject(input)) throw badRequest('invalid-credential', 'verifiableCredential must be a JSON object or a compact JWT string');
  assertProcessable(input, 'verifiableCredential');
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (types.includes('EnvelopedVerifiableCredential')) {
    if (typeof input.id !== 'string' || !input.id.startsWith(ENVELOPED_JWT_PREFIX)) {
      throw badRequest('invalid-envelope', `An EnvelopedVerifiableCredential must have an id starting with "${ENVELOPED_JWT_PREFIX}"`);
    }
    return verifyJwtCredential(deps, input.id.slice(ENVELOPED_JWT_PREFIX.length), envelopeProblem(input, 'EnvelopedVerifiableCredential'));
  }
  return verifyDataIntegrityCredential(deps, input);
}

async function verifyDataIntegrityCredential(deps: VerifyDeps, credential: JsonObject): Promise<VerificationResult> {
  const result = new ResultBuilder();
  const shapeProblem = checkCredentialShape(credential);
  if (shapeProblem) {
    result.add('proof', false, `Not a well-formed verifiable credential: ${shapeProblem}`);
    return result.result({ credential, format: 'data-integrity' });
  }
  const proofs = (Array.isArray(credential.proof) ? credential.proof : [credential.proof]).filter(isObject);
  if (proofs.length === 0) {
    result.add('proof', false, 'The credential has no proof');
  } else {
    // Proofs by other signers (co-signers) are checked by the proof check against their own DIDs; the issuer check
    // needs at least one proof by the issuer, and every such proof made with a key the issuer authorises.
    const issuer = issuerIdOf(credential);
    const byIssuer = proofs.map((p) => String(p.verificationMethod)).filter((vm) => vm.split('#')[0] === issuer);
    const issuerOutcome = byIssuer.length > 0 ? await checkIssuerKeys(deps.resolveDid, issuer, byIssuer)
      : { valid: false, message: `No proof is made with a key of the issuer ${issuer || '(none)'}` };
    const proof = await deps.proofs.credentialProof(credential, deps.documentLoader);
    result.add('proof', proof.verified, proof.verified
      ? `Signature valid (${proofs.map((p) => p.cryptosuite ?? p.type).join(', ')})`
      : `Signature invalid: ${proof.errors.join('; ') || 'the credential was changed after signing'}`);
    result.add('issuer', issuerOutcome.valid, issuerOutcome.message);
  }
  await addCommonChecks(deps, result, credential);
  return result.result({ credential, format: 'data-integrity' });
}

async function verifyJwtCredential(deps: VerifyDeps, jwt: string, badEnvelope?: string): Promise<VerificationResult> {
  const result = new ResultBuilder();
  if (badEnvelope) result.add('envelope', false, badEnvelope);
  const { header, payload } = decodeJwt(jwt);
  const { credential, conflicts } = credentialFromJwtPayload(payload);
  const issuer = issuerIdOf(credential);
  const kid = typeof header.kid === 'string' ? (header.kid.startsWith('#') ? `${issuer}${header.kid}` : header.kid) : undefined;
  if (!kid || !isVerifiedJwsAlg(header.alg)) {
    result.add('proof', false, `JWT must be signed with EdDSA or ES256 and name its key in "kid" (got alg ${String(header.alg)}, kid ${String(header.kid)})`);
  } else {
    const issuerOutcome = await checkIssuerKeys(deps.resolveDid, issuer, [kid]);
    try {
      const vm = (await deps.documentLoader(kid)).document as JsonObject;
      await deps.proofs.jws(jwt, vm);
      result.add('proof', true, `Signature valid (vc+jwt, ${header.alg})`);
    } catch (error) {
      result.add('proof', false, `Signature invalid: ${(error as Error).message}`);
    }
    result.add('issuer', issuerOutcome.valid, issuerOutcome.message);
  }
  if (conflicts.length > 0) result.add('claims', false, conflicts.join('; '));
  await addCommonChecks(deps, result, credential, payload);
  return result.result({ credential, format: 'vc+jwt' });
}

function decodeJwt(jwt: string): { header: ReturnType<typeof decodeProtectedHeader>; payload: JsonObject } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: unknown;
  try {
    header = decodeProtectedHeader(jwt);
    const [, body = ''] = jwt.split('.');
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (!isObject(payload)) throw new Error('payload is not an object');
  } catch (error) {
    throw badRequest('invalid-jwt', `The JWT cannot be decoded (${(error as Error).message}); send a compact JWS: header.payload.signature`);
  }
  assertProcessable(payload, 'JWT payload');
  return { header, payload };
}

/** VC-JOSE-COSE puts the credential itself in the payload; VC 1.1 JWTs nest it in `vc` with registered claims. */
function credentialFromJwtPayload(payload: JsonObject): DecodedVc11 {
  if (!isObject(payload.vc)) return { credential: payload, conflicts: [] };
  return credentialFromVc11Claims(payload as JsonObject & { vc: JsonObject });
}

function issuerIdOf(credential: JsonObject): string {
  const issuer = credential.issuer;
  return typeof issuer === 'string' ? issuer : isObject(issuer) && typeof issuer.id === 'string' ? issuer.id : '';
}

export async function checkIssuerKeys(resolveDid: DidResolver, issuer: string, vmIds: string[]): Promise<{ valid: boolean; message: string }> {
  if (!issuer.startsWith('did:')) return { valid: false, message: `Issuer ${issuer || '(none)'} is not a DID, so its key cannot be checked` };
  let document;
  try {
    document = await resolveDid(issuer);
  } catch (error) {
    return { valid: false, message: error instanceof AppError ? error.detail : `Cannot resolve ${issuer}` };
  }
  for (const vmId of vmIds) {
    const vm = findVerificationMethod(document, vmId);
    if (!vm) return { valid: false, message: `Key ${vmId} is not in the DID document of ${issuer}` };
    if ((vm.controller ?? document.id) !== issuer) return { valid: false, message: `Key ${vmId} is controlled by ${String(vm.controller)}, not by the issuer ${issuer}` };
    if (!isAuthorisedFor(document, vmId, 'assertionMethod')) return { valid: false, message: `Key ${vmId} is not authorised to issue credentials (assertionMethod) for ${issuer}` };
  }
  return { valid: true, message: `Issuer ${issuer} resolved; its key is authorised to issue credentials` };
}

async function addCommonChecks(deps: VerifyDeps, result: ResultBuilder, credential: JsonObject, jwtClaims?: JsonObject): Promise<void> {
  result.add('validity', ...validityOf(credential, deps.now(), jwtClaims));
  const statuses = credential.credentialStatus === undefined ? [] : Array.isArray(credential.credentialStatus) ? credential.credentialStatus : [credential.credentialStatus];
  if (statuses.length > 0) {
    const outcomes = await Promise.all(statuses.map((entry) => deps.statusChecker.check(entry, issuerIdOf(credential))));
    const failed = outcomes.find((o) => !o.valid);
    result.add('status', !failed, failed ? failed.message : outcomes.map((o) => o.message).join('; '), failed?.errorType);
  }
  if (credential.credentialSchema !== undefined) {
    const outcome = await deps.schemaValidator.check(credential);
    result.add('schema', outcome.valid, outcome.message);
  }
  if (credential.relatedResource !== undefined) {
    const outcome = checkRelatedResources(credential, deps.localResources);
    result.add('relatedResource', outcome.valid, outcome.message);
  }
}

export function validityOf(credential: JsonObject, now: Date, jwtClaims?: JsonObject): [boolean, string] {
  const readings = [
    credential.validFrom !== undefined ? readDateTime(credential.validFrom, 'validFrom') : readDateTime(credential.issuanceDate, 'issuanceDate'),
    credential.validUntil !== undefined ? readDateTime(credential.validUntil, 'validUntil') : readDateTime(credential.expirationDate, 'expirationDate'),
    readNumericDate(jwtClaims?.nbf, 'nbf'),
    readNumericDate(jwtClaims?.exp, 'exp'),
  ];
  const problems = readings.map((r) => r.problem).filter((p): p is string => p !== undefined);
  if (problems.length > 0) return [false, problems.join('; ')];
  const [from, until, notBefore, expires] = readings.map((r) => r.date);
  const start = [from, notBefore].filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
  const end = [until, expires].filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
  if (start && now < start) return [false, `Not valid yet: valid from ${start.toISOString()}`];
  if (end && now > end) return [false, `Expired on ${end.toISOString()}`];
  return [true, end ? `Valid until ${end.toISOString()}` : 'Valid (no expiry date)'];
}

export interface PresentationResult extends VerificationResult {
  credentialResults: VerificationResult[];
}

/** Checks the holder's proof (with challenge and domain) and every credential inside the presentation. */
export function verifyPresentation(deps: VerifyDeps, input: unknown, options: { challenge?: string; domain?: string }): Promise<PresentationResult> {
  return withVerificationSnapshot(() => verifyPresentationOnce(deps, input, options));
}

async function verifyPresentationOnce(deps: VerifyDeps, input: unknown, options: { challenge?: string; domain?: string }): Promise<PresentationResult> {
  if (typeof input === 'string' && isSdJwt(input)) return verifySdJwtVcPresentation(deps, input, options);
  if (typeof input === 'string') return verifyJwtPresentation(deps, input, options);
  if (!isObject(input)) throw badRequest('invalid-presentation', 'verifiablePresentation must be a JSON object or a compact vp+jwt');
  assertProcessable(input, 'verifiablePresentation');
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (types.includes('EnvelopedVerifiablePresentation')) {
    if (typeof input.id !== 'string' || !input.id.startsWith(ENVELOPED_VP_PREFIX)) {
      throw badRequest('invalid-envelope', `An EnvelopedVerifiablePresentation must have an id starting with "${ENVELOPED_VP_PREFIX}"`);
    }
    return verifyJwtPresentation(deps, input.id.slice(ENVELOPED_VP_PREFIX.length), options, envelopeProblem(input, 'EnvelopedVerifiablePresentation'));
  }
  const presentation = input;
  const result = new ResultBuilder();
  if (presentation.proof === undefined) {
    result.add('presentation', false, 'The presentation is not signed by its holder');
  } else if (typeof options.challenge !== 'string') {
    result.add('presentation', false, 'options.challenge is required to check the holder\'s proof: it is what prevents a presentation from being replayed');
  } else {
    const proof = await deps.proofs.presentationProof(presentation, options, deps.documentLoader);
    result.add('presentation', proof.verified, proof.verified ? 'Holder signature valid (challenge and domain match)' : `Holder signature invalid: ${proof.errors.join('; ')}`);
  }
  return withCredentialResults(deps, result, presentation);
}

async function withCredentialResults(deps: VerifyDeps, result: ResultBuilder, presentation: JsonObject): Promise<PresentationResult> {
  const embedded = presentation.verifiableCredential === undefined ? []
    : Array.isArray(presentation.verifiableCredential) ? presentation.verifiableCredential : [presentation.verifiableCredential];
  const credentialResults: VerificationResult[] = [];
  for (const credential of embedded) credentialResults.push(await verifyCredential(deps, credential));
  const built = result.result({});
  return { ...built, verified: built.verified && credentialResults.every((r) => r.verified), credentialResults };
}

/**
 * A VC-JOSE-COSE presentation (typ vp+jwt): the payload is the presentation, signed by the holder with a key named
 * in `kid` (authorised for authentication in the holder's DID document); `nonce` and `aud` carry the challenge and
 * the domain. Each credential inside (usually EnvelopedVerifiableCredentials) is verified on its own. A VC 1.1 JWT
 * presentation (`vp` claim) is read the same way.
 */
async function verifyJwtPresentation(deps: VerifyDeps, jwt: string, options: { challenge?: string; domain?: string }, badEnvelope?: string): Promise<PresentationResult> {
  const result = new ResultBuilder();
  if (badEnvelope) result.add('envelope', false, badEnvelope);
  const { header, payload } = decodeJwt(jwt);
  // A VC 1.1 JWT presentation (OpenID4VP's jwt_vc_json) nests the presentation in `vp` and names its holder in `iss`.
  const presentation = isObject(payload.vp) ? { holder: payload.iss, ...payload.vp } : payload;
  const holder = typeof presentation.holder === 'string' ? presentation.holder
    : isObject(presentation.holder) && typeof presentation.holder.id === 'string' ? presentation.holder.id : undefined;
  const kid = typeof header.kid === 'string' ? (header.kid.startsWith('#') && holder ? `${holder}${header.kid}` : header.kid) : undefined;
  result.add('presentation', ...await holderSignatureOf(deps, jwt, header, payload, kid, holder, options));
  return withCredentialResults(deps, result, presentation);
}

async function holderSignatureOf(deps: VerifyDeps, jwt: string, header: ReturnType<typeof decodeProtectedHeader>, payload: JsonObject,
  kid: string | undefined, holder: string | undefined, options: { challenge?: string; domain?: string }): Promise<[boolean, string]> {
  if (!isVerifiedJwsAlg(header.alg) || !kid?.startsWith('did:')) {
    return [false, `A vp+jwt must be signed with EdDSA or ES256 by a key named by its DID URL in "kid" (got alg ${String(header.alg)}, kid ${String(header.kid)})`];
  }
  const did = kid.split('#')[0]!;
  if (holder !== undefined && holder !== did) return [false, `The presentation is signed with ${kid}, not by its holder ${holder}`];
  if (typeof options.challenge !== 'string') return [false, 'options.challenge is required to check the holder\'s proof: it is what prevents a presentation from being replayed'];
  if (payload.nonce !== options.challenge) return [false, `The presentation's nonce ${JSON.stringify(payload.nonce) ?? '(none)'} is not the challenge ${options.challenge}`];
  const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
  if (options.domain !== undefined && !audiences.includes(options.domain)) return [false, `The presentation's aud does not name the domain ${options.domain}`];
  let document;
  try {
    document = await deps.resolveDid(did);
  } catch (error) {
    return [false, error instanceof AppError ? error.detail : `Cannot resolve ${did}`];
  }
  if (!findVerificationMethod(document, kid)) return [false, `Key ${kid} is not in the DID document of ${did}`];
  if (!isAuthorisedFor(document, kid, 'authentication')) return [false, `Key ${kid} is not authorised for authentication by ${did}`];
  try {
    const vm = (await deps.documentLoader(kid)).document as JsonObject;
    await deps.proofs.jws(jwt, vm);
  } catch (error) {
    return [false, `Holder signature invalid: ${(error as Error).message}`];
  }
  const [valid, message] = validityOf({}, deps.now(), payload);
  if (!valid) return [false, `The presentation JWT is not valid now: ${message}`];
  return [true, `Holder signature valid (vp+jwt, ${header.alg}; nonce and aud match)`];
}
