import crypto from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import { AppError, badRequest, conflict } from '../errors.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import { DuplicateCredentialIdError, IndexTakenError, type CredentialRecord, type CredentialRepository, type StatusReservation } from '../db/repositories/credentials.js';
import type { JwsAlgorithm, KeyAlgorithm, KeyStore } from '../keys/keyStore.js';
import { defaultKeyAlgorithm, signingKeyOf } from '../orgs/organisations.js';
import { validateCredentialMapping } from '../frameworks/credentialMapping.js';
import { CONTEXTS } from './contexts/index.js';
import { dataModelProblem } from './dataModelRules.js';
import { vc11JwtClaims } from './jwtVc11.js';
import type { DocumentLoader } from './documentLoader.js';
import { assertProcessable, isObject } from './jsonLimits.js';
import { jsonLdProblem } from './jsonLdErrors.js';
import { STATUS_PURPOSES, type StatusListService, type StatusPurpose } from './statusLists.js';
import { achievementVct, SD_JWT_VC_FORMAT, sdJwtVcClaimsOf, signSdJwtVc } from './sdJwtVc.js';
import {
  DEFAULT_FORMATS, JWS_KEY_ALGORITHMS, addProof, checkCredentialShape, dataIntegrityFormats, expandSafely, keyAlgorithmOf, signCredential, verifyCredentialProof,
  type DataIntegrityFormat, type JsonObject,
} from './vcLibrary.js';

/** Formats of credentials in JSON, which web wallets hold and batches and certifications issue. */
export const CREDENTIAL_FORMATS = [...dataIntegrityFormats, 'vc+jwt'] as const;
/** What POST /credentials/issue (and OID4VCI) issues: the JSON formats and SD-JWT VC, which only wallet apps hold. */
export const ISSUE_FORMATS = [...CREDENTIAL_FORMATS, SD_JWT_VC_FORMAT] as const;
export type JsonCredentialFormat = DataIntegrityFormat | 'vc+jwt';
export type CredentialFormat = JsonCredentialFormat | typeof SD_JWT_VC_FORMAT;

export const JWS_ALGS = Object.keys(JWS_KEY_ALGORITHMS) as JwsAlgorithm[];

export interface IssueOptions {
  /** Default: defaultFormatOf the organisation. */
  format?: CredentialFormat;
  /**
   * vc+jwt and dc+sd-jwt only: the JWS algorithm, EdDSA (the organisation's Ed25519 key) or ES256 (its P-256 key);
   * default the organisation's default key. A Data Integrity format's cryptosuite already names its key.
   */
  alg?: JwsAlgorithm;
  /**
   * Extra status entries of the service beyond the default revocation entry, e.g. [{type, statusPurpose: "suspension"}];
   * false: none at all (the credential then carries only the status entries it came with).
   */
  credentialStatus?: Array<{ type: string; statusPurpose: string }> | { type: string; statusPurpose: string } | false;
  credentialId?: string;
  /** "organisation": fill a missing `issuer` with the organisation's DID; without it a credential must name its issuer. */
  issuer?: 'organisation';
  /** Co-signing: add the organisation's proof to an already signed credential (whose proofs must verify). */
  addProof?: boolean;
  /** dc+sd-jwt: the holder's public key (JWK), bound to the credential as `cnf.jwk` (OID4VCI's proof of possession). */
  holderJwk?: JsonObject;
}

export interface IssueDeps {
  organisations: OrganisationRepository;
  credentials: CredentialRepository;
  keyStore: KeyStore;
  statusLists: StatusListService;
  documentLoader: DocumentLoader;
  /** The service's public URL: SD-JWT VCs name their type (vct) under it. */
  baseUrl: string;
  now: () => Date;
}

export interface IssuedCredential {
  id: string;
  format: CredentialFormat;
  /**
   * What VC-API returns: the signed credential; for vc+jwt of a VC 2.0 credential an EnvelopedVerifiableCredential, and
   * of a VC 1.1 credential the compact JWT itself (VC 1.1 has no envelope; its JWTs travel as strings); for dc+sd-jwt
   * the compact SD-JWT VC (issuer-signed JWT~disclosures~), a string as well.
   */
  verifiableCredential: JsonObject | string;
  /** The compact JWT, for vc+jwt; the compact SD-JWT, for dc+sd-jwt. */
  jwt?: string;
}

/** Whether this request issues a VC 1.1 credential as a JWT, which is a string and has no JSON-LD form for wallets. */
export function issuesVc11Jwt(credential: unknown, options: IssueOptions = {}): boolean {
  return options.format === 'vc+jwt' && isObject(credential) && contextsOf(credential)[0] === CONTEXTS.credentialsV1;
}

/** Wallets hold and present JSON credentials (inside VC 2.0 presentations); a VC 1.1 JWT is refused before signing. */
export const walletCannotHoldVc11Jwt = () => badRequest('unsupported-format-for-wallet',
  'A VC 1.1 credential issued as a JWT cannot be offered to a wallet (options.holder): wallets present credentials in VC 2.0 presentations. Use the VC 2.0 context with vc+jwt, or a Data Integrity format');

/** What an organisation signs when the request names no format: eddsa-rdfc-2022, or ecdsa-rdfc-2019 for a P-256 did:key. */
export function defaultFormatOf(organisation: Organisation): JsonCredentialFormat {
  return DEFAULT_FORMATS[defaultKeyAlgorithm(organisation)];
}

/** The key a format signs with: the cryptosuite's for Data Integrity, options.alg's (or the default key's) for the JWT formats. */
function keyAlgorithmFor(organisation: Organisation, format: CredentialFormat, alg: JwsAlgorithm | undefined): KeyAlgorithm {
  if (format !== 'vc+jwt' && format !== SD_JWT_VC_FORMAT) {
    if (alg !== undefined) {
      throw badRequest('alg-needs-jwt', `options.alg chooses the algorithm of vc+jwt and ${SD_JWT_VC_FORMAT}; ${format} signs with its cryptosuite's key (${keyAlgorithmOf(format)}). Remove options.alg, or use a JWT format`);
    }
    return keyAlgorithmOf(format);
  }
  if (alg === undefined) return defaultKeyAlgorithm(organisation);
  if (!JWS_ALGS.includes(alg)) throw badRequest('unknown-alg', `options.alg "${String(alg)}" is not supported; use one of ${JWS_ALGS.join(', ')}`);
  return JWS_KEY_ALGORITHMS[alg];
}

/**
 * Wallets that hold SD-JWT VCs (the EU Digital Identity ecosystem and its HAIP profile) expect ES256: without
 * options.alg, an SD-JWT VC is signed with the organisation's P-256 key when it has one.
 */
export async function sdJwtVcKeyAlgorithm(deps: IssueDeps, organisation: Organisation): Promise<KeyAlgorithm> {
  return (await deps.organisations.currentKey(organisation.id, 'P-256')) ? 'P-256' : defaultKeyAlgorithm(organisation);
}

/** Index collisions need two writers to pick the same random index of 131,072 at once; a few retries are plenty. */
export const MAX_INDEX_ATTEMPTS = 5;

export interface IssueRequest { organisation: Organisation; credential: unknown; options?: IssueOptions }

/**
 * A credential signed and not yet recorded. Its status indexes stay reserved (in this process) until the caller has
 * recorded it, or given up, and released them.
 */
export interface SignedIssuance {
  issued: IssuedCredential;
  record: CredentialRecord;
  reservations: StatusReservation[];
}

export async function issueCredential(deps: IssueDeps, request: IssueRequest): Promise<IssuedCredential> {
  const options = request.options ?? {};
  if (options.addProof) {
    const { format } = await formatAndKeyOf(deps, request.organisation, options);
    return coSign(deps, request.organisation, request.credential, format);
  }
  for (let attempt = 1; ; attempt++) {
    const { issued, record, reservations } = await signIssuance(deps, request);
    try {
      await deps.credentials.recordIssued(record, reservations, record.issuedAt);
      return issued;
    } catch (error) {
      if (!(error instanceof IndexTakenError) || attempt >= MAX_INDEX_ATTEMPTS) throw translateIssueError(error);
    } finally {
      deps.statusLists.release(reservations);
    }
  }
}

/**
 * Everything issuance does before recording: reserves the status indexes, prepares and signs the credential. Batch
 * issuance records many of these in one transaction (CredentialRepository.recordIssuedMany), issueCredential one.
 */
export async function signIssuance(deps: IssueDeps, request: IssueRequest): Promise<SignedIssuance> {
  const { organisation } = request;
  const options = request.options ?? {};
  const { format, algorithm } = await formatAndKeyOf(deps, organisation, options);
  if (options.holderJwk !== undefined && format !== SD_JWT_VC_FORMAT) {
    throw badRequest('holder-key-needs-sd-jwt', 'options.holderJwk binds an SD-JWT VC (cnf); other formats name the holder in credentialSubject.id');
  }
  const purposes = statusPurposesFrom(options);
  // An SD-JWT VC's one status claim points at a 2-bit Token Status List entry: revocation and suspension together.
  const reservations = format !== SD_JWT_VC_FORMAT ? await deps.statusLists.reserve(organisation, purposes)
    : options.credentialStatus === false ? [] : await deps.statusLists.reserveTokenStatus(organisation);
  try {
    const now = deps.now();
    const credential = prepareCredential(request.credential, organisation, format, now, options);
    // Refused before signing; the primary key still decides between two issuances of the same id at once.
    if (await deps.credentials.byId(credential.id as string)) throw duplicateId(credential.id as string);
    // The caller's own entries (lists kept elsewhere, other status methods) are signed as given, after the service's.
    const issued = format === SD_JWT_VC_FORMAT
      ? await signAsSdJwtVc(deps, organisation, credential, reservations, options, algorithm, now)
      : await sign(deps, organisation, withStatusEntries(credential, reservations, deps.statusLists), format, now, algorithm);
    const signedForm = issued.jwt ?? JSON.stringify(issued.verifiableCredential);
    const record: CredentialRecord = {
      id: issued.id,
      organisationId: organisation.id,
      types: typesOf(credential),
      subjectId: subjectIdOf(credential),
      format,
      sha256: crypto.createHash('sha256').update(signedForm).digest('hex'),
      issuedAt: now.toISOString(),
    };
    return { issued, record, reservations };
  } catch (error) {
    deps.statusLists.release(reservations);
    throw translateIssueError(error);
  }
}

/** The format a request issues in and the key that signs it. */
async function formatAndKeyOf(deps: IssueDeps, organisation: Organisation, options: IssueOptions): Promise<{ format: CredentialFormat; algorithm: KeyAlgorithm }> {
  const format = options.format ?? defaultFormatOf(organisation);
  if (!ISSUE_FORMATS.includes(format)) {
    throw badRequest('unknown-format', `options.format "${String(format)}" is not supported; use one of ${ISSUE_FORMATS.join(', ')}`);
  }
  const algorithm = format === SD_JWT_VC_FORMAT && options.alg === undefined
    ? await sdJwtVcKeyAlgorithm(deps, organisation)
    : keyAlgorithmFor(organisation, format, options.alg);
  return { format, algorithm };
}

/**
 * Adds the organisation's Data Integrity proof to a credential signed by someone else (an accrediting body endorsing a
 * training centre's credential), after checking the proofs it already has: a co-signature never vouches for a
 * credential that does not verify. Nothing of the credential changes but its proofs, so nothing is allocated or recorded.
 */
async function coSign(deps: IssueDeps, organisation: Organisation, input: unknown, format: CredentialFormat): Promise<IssuedCredential> {
  if (format === 'vc+jwt' || format === SD_JWT_VC_FORMAT) throw badRequest('add-proof-needs-data-integrity', `options.addProof adds a Data Integrity proof; use one of ${dataIntegrityFormats.join(', ')}`);
  if (!isObject(input)) throw badRequest('invalid-credential', 'credential must be a JSON object');
  assertProcessable(input, 'credential');
  if (input.proof === undefined) throw badRequest('nothing-to-co-sign', 'options.addProof adds a proof to a signed credential, and this one has no proof; issue it without options.addProof');
  const existing = await verifyCredentialProof(input, deps.documentLoader);
  if (!existing.verified) {
    throw badRequest('existing-proof-invalid', `The credential's proof does not verify, so it is not co-signed: ${existing.errors.join('; ') || 'invalid signature'}`);
  }
  const { keyPair } = await signingKeyOf(deps, organisation, keyAlgorithmOf(format));
  const verifiableCredential = await addProof({
    credential: input, format, keyPair, documentLoader: deps.documentLoader, now: deps.now(), proofId: `urn:uuid:${crypto.randomUUID()}`,
  });
  return { id: typeof input.id === 'string' ? input.id : '', format, verifiableCredential };
}

function withStatusEntries(credential: JsonObject, reservations: StatusReservation[], statusLists: StatusListService): JsonObject {
  const entries = [...reservations.map((r) => statusLists.entryFor(r)), ...callerStatusEntries(credential, statusLists)];
  if (entries.length === 0) delete credential.credentialStatus;
  else credential.credentialStatus = entries.length === 1 ? entries[0] : entries;
  return credential;
}

/**
 * The credential as an SD-JWT VC (sdJwtVc.ts): its status is the service's Token Status List entry, so status entries
 * the credential came with are refused rather than dropped (an SD-JWT VC has one status claim).
 */
async function signAsSdJwtVc(deps: IssueDeps, organisation: Organisation, credential: JsonObject, reservations: StatusReservation[],
  options: IssueOptions, algorithm: KeyAlgorithm, now: Date): Promise<IssuedCredential> {
  if (credential.credentialStatus !== undefined) {
    throw badRequest('status-managed-by-service', 'An SD-JWT VC carries one status, the service\'s Token Status List entry: remove credentialStatus (options.credentialStatus false issues it without status)');
  }
  if (options.holderJwk !== undefined && !isObject(options.holderJwk)) throw badRequest('invalid-holder-key', 'options.holderJwk must be a public JWK');
  // The same "every term defined" guarantee as the other formats: the disclosed claims read as the JSON credential.
  await expandSafely(credential, deps.documentLoader);
  const claims = sdJwtVcClaimsOf(credential, {
    vct: achievementVct(deps.baseUrl), issuedAt: now, holderJwk: options.holderJwk,
    status: reservations.length > 0 ? deps.statusLists.tokenStatusReference(reservations) : undefined,
  });
  const { kid, alg, privateKey } = await signingKeyOf(deps, organisation, algorithm);
  const jwt = await signSdJwtVc(claims, { kid, alg, privateKey });
  return { id: credential.id as string, format: SD_JWT_VC_FORMAT, jwt, verifiableCredential: jwt };
}

function statusPurposesFrom(options: IssueOptions): StatusPurpose[] {
  if (options.credentialStatus === false) return [];
  const requested = options.credentialStatus === undefined ? []
    : Array.isArray(options.credentialStatus) ? options.credentialStatus : [options.credentialStatus];
  const purposes = new Set<StatusPurpose>(['revocation']);
  for (const entry of requested) {
    if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry' || !STATUS_PURPOSES.includes(entry.statusPurpose as StatusPurpose)) {
      throw badRequest('invalid-credential-status-option', `options.credentialStatus entries must be {"type": "BitstringStatusListEntry", "statusPurpose": "revocation" | "suspension"}`);
    }
    purposes.add(entry.statusPurpose as StatusPurpose);
  }
  return [...purposes];
}

/**
 * Status entries the credential came with. They are kept as given, except entries in this service's own lists: those
 * indexes are the service's to allocate.
 */
function callerStatusEntries(credential: JsonObject, statusLists: StatusListService): JsonObject[] {
  const given = credential.credentialStatus;
  if (given === undefined) return [];
  const entries = Array.isArray(given) ? given : [given];
  // Well-formedness was checked with the other data model rules (dataModelRules.ts).
  return (entries as JsonObject[]).map((entry, index) => {
    if ([entry.id, entry.statusListCredential].some((url) => typeof url === 'string' && statusLists.hostsList(url))) {
      throw badRequest('status-managed-by-service', `credentialStatus entry ${index} points into a status list of this service, whose indexes the service allocates; remove it and use options.credentialStatus`, { index });
    }
    return entry;
  });
}

const contextsOf = (credential: JsonObject): unknown[] =>
  Array.isArray(credential['@context']) ? credential['@context'] : [credential['@context']];

/** Fills in what the issuer owns (issuer, id, dates, contexts) and refuses what contradicts it. */
function prepareCredential(input: unknown, organisation: Organisation, format: CredentialFormat, now: Date, options: IssueOptions): JsonObject {
  if (!isObject(input)) throw badRequest('invalid-credential', 'credential must be a JSON object');
  assertProcessable(input, 'credential');
  const credential: JsonObject = structuredClone(input);
  const contexts = contextsOf(credential);
  const version = contexts[0] === CONTEXTS.credentialsV2 ? 2 : contexts[0] === CONTEXTS.credentialsV1 ? 1 : undefined;
  if (!version) {
    throw badRequest('invalid-context', `credential["@context"] must start with "${CONTEXTS.credentialsV2}" (VC 2.0) or "${CONTEXTS.credentialsV1}" (VC 1.1)`);
  }
  if ('proof' in credential) throw badRequest('already-signed', 'credential already has a proof; send the unsigned credential, or options.addProof true to co-sign it');
  const issuerId = typeof credential.issuer === 'string' ? credential.issuer : isObject(credential.issuer) ? credential.issuer.id : undefined;
  // VC-API: an issuer refuses a credential without an issuer unless the caller asked for its own DID to be filled in.
  if (credential.issuer === undefined) {
    if (options.issuer !== 'organisation') {
      throw badRequest('missing-issuer', `credential.issuer is required: set it to this organisation's DID ${organisation.did} (or an object whose id is it), or send options.issuer "organisation" to have it filled in`);
    }
    credential.issuer = organisation.did;
  } else if (issuerId !== organisation.did) {
    throw badRequest('issuer-mismatch', `credential.issuer must be this organisation's DID ${organisation.did} (a string, or an object whose id is it)`);
  }
  if (version === 1) {
    if (format !== 'vc+jwt' && !contexts.includes(CONTEXTS.dataIntegrityV2)) contexts.push(CONTEXTS.dataIntegrityV2);
    if (!contexts.includes(CONTEXTS.statusListV1)) contexts.push(CONTEXTS.statusListV1);
    credential['@context'] = contexts;
  }
  if (credential.id === undefined) credential.id = options.credentialId ?? `urn:uuid:${crypto.randomUUID()}`;
  const seconds = `${now.toISOString().slice(0, 19)}Z`;
  if (version === 2 && credential.validFrom === undefined) credential.validFrom = seconds;
  if (version === 1 && credential.issuanceDate === undefined) credential.issuanceDate = seconds;
  const ruleBroken = dataModelProblem(credential);
  if (ruleBroken) throw ruleBroken;
  const shapeProblem = checkCredentialShape(credential);
  if (shapeProblem) throw badRequest('invalid-credential', `The credential does not follow the VC data model: ${shapeProblem}`);
  // Levels, ESCO skills and ISCO occupations named by the achievement must exist: a credential never carries a guess.
  validateCredentialMapping(credential);
  return credential;
}

async function sign(deps: IssueDeps, organisation: Organisation, credential: JsonObject, format: JsonCredentialFormat, now: Date,
  algorithm = keyAlgorithmFor(organisation, format, undefined)): Promise<IssuedCredential> {
  const { keyPair, privateKey, alg } = await signingKeyOf(deps, organisation, algorithm);
  const id = credential.id as string;
  if (format === 'vc+jwt') {
    // Safe-mode expansion gives JWT credentials the same "every term defined" guarantee as Data Integrity ones.
    await expandSafely(credential, deps.documentLoader);
    if (contextsOf(credential)[0] === CONTEXTS.credentialsV1) {
      const jwt = await new SignJWT(vc11JwtClaims(credential)).setProtectedHeader({ alg, typ: 'JWT', kid: keyPair.id }).sign(privateKey);
      return { id, format, jwt, verifiableCredential: jwt };
    }
    const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(credential)))
      .setProtectedHeader({ alg, typ: 'vc+jwt', cty: 'vc', kid: keyPair.id, iss: organisation.did } as never)
      .sign(privateKey);
    return {
      id, format, jwt,
      verifiableCredential: { '@context': CONTEXTS.credentialsV2, id: `data:application/vc+jwt,${jwt}`, type: 'EnvelopedVerifiableCredential' },
    };
  }
  const verifiableCredential = await signCredential({ credential, format, keyPair, documentLoader: deps.documentLoader, now });
  return { id, format, verifiableCredential };
}

function typesOf(credential: JsonObject): string[] {
  return (Array.isArray(credential.type) ? credential.type : [credential.type]).filter((t): t is string => typeof t === 'string');
}

function subjectIdOf(credential: JsonObject): string | null {
  const subject = Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject;
  return isObject(subject) && typeof subject.id === 'string' ? subject.id : null;
}

const duplicateId = (id: string) =>
  conflict('duplicate-credential-id', `A credential with id ${id} was already issued; every credential needs its own id (omit it to get a fresh urn:uuid)`, { credentialId: id });

function translateIssueError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  // issueCredential records one credential at a time.
  if (error instanceof DuplicateCredentialIdError) return duplicateId(error.credentialIds[0]!);
  return jsonLdProblem(error) ?? error;
}

/**
 * Signs a credential already prepared and recorded, in one of the service's formats: OID4VCI secures a claim offer's
 * credential anew for the holder's key with it (src/oid4vci), without a second issuance.
 */
export { sign as signPreparedCredential, signAsSdJwtVc as signPreparedSdJwtVc };
