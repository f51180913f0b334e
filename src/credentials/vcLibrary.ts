/**
 * The only module that talks to the untyped Digital Bazaar libraries (@digitalbazaar/vc, jsonld-signatures, jsonld):
 * everything else calls these typed functions.
 */
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import jsonld from 'jsonld';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import * as rdfCanonize from 'rdf-canonize';
import { AppError } from '../errors.js';
import type { JwsAlgorithm, KeyAlgorithm, MultikeyPair } from '../keys/keyStore.js';
import type { DocumentLoader } from './documentLoader.js';
import { compiledToRdf } from './compiledRdf.js';
import { verifiedJcsProof } from './jcsProof.js';
import { createKeptKeyVerifier, publicKeyObject, signatureCheckOf } from './verificationKeys.js';
import { installFastContexts } from './fastContexts.js';
import { installNullPrototypeNodeMaps } from './nullPrototypeNodeMaps.js';
import { JSON_LD_LIMITS, limitExceeded } from './jsonLimits.js';

// jsonld.js without its defensive deep copies of active contexts: same output, about 2-3x faster (see fastContexts.ts).
installFastContexts();
// A node id such as "__proto__" must never reach Object.prototype (see nullPrototypeNodeMaps.ts).
installNullPrototypeNodeMaps();

export type JsonObject = Record<string, unknown>;

/**
 * RDFC-1.0 canonicalisation as the cryptosuites do it (toRDF, then rdf-canonize), with two bounds in between: the
 * number of quads handed to the canonicaliser, and its work factor (see JSON_LD_LIMITS). The quads come from the
 * compiled contexts (compiledRdf.ts) when the document allows, else from jsonld.js: the same quads either way.
 */
async function boundedCanonize(input: unknown, options: Record<string, unknown>): Promise<string> {
  const settings = { algorithm: 'RDFC-1.0', format: 'application/n-quads', base: null, safe: true, ...options };
  const { format: _format, ...toRdfOptions } = { rdfDirection: 'i18n-datatype', ...settings, produceGeneralizedRdf: false };
  const compilable = !options.skipExpansion && (options.base ?? null) === null && options.safe !== false;
  const compiled = compilable ? await compiledToRdf(input) : undefined;
  const canonical = await canonizeDataset(compiled ?? await jsonld.toRDF(input, toRdfOptions) as unknown[], settings);
  if (compiled && selfCheck.enabled) {
    selfCheck.checked++;
    if (await canonizeDataset(await jsonld.toRDF(input, toRdfOptions) as unknown[], settings) !== canonical) {
      selfCheck.mismatches++;
      throw new Error('The compiled JSON-LD contexts gave other canonical N-Quads than jsonld.js for this document');
    }
  }
  return canonical;
}

async function canonizeDataset(dataset: unknown[], settings: Record<string, unknown>): Promise<string> {
  if (dataset.length > JSON_LD_LIMITS.quads) throw limitExceeded('quads', 'The document', `yields ${dataset.length} RDF statements, more than ${JSON_LD_LIMITS.quads}`);
  try {
    return await rdfCanonize.canonize(dataset, { ...settings, maxWorkFactor: JSON_LD_LIMITS.rdfcWorkFactor });
  } catch (error) {
    if (/maximum deep iterations/i.test((error as Error).message)) {
      throw limitExceeded('rdfcWorkFactor', 'The document', 'has blank nodes too alike to canonicalise within the work factor');
    }
    throw error;
  }
}

const selfCheck = { enabled: false, checked: 0, mismatches: 0 };

/**
 * Differential runs (test/credentials/rdfc-differential.test.ts): while enabled, every document canonicalised from
 * compiled contexts is canonicalised by jsonld.js too, and a difference fails the signing or verification that asked.
 * Returns the counts so far.
 */
export function compareCompiledRdfWithJsonld(enabled: boolean): { checked: number; mismatches: number } {
  selfCheck.enabled = enabled;
  return { checked: selfCheck.checked, mismatches: selfCheck.mismatches };
}

/** eddsa-rdfc-2022 and ecdsa-rdfc-2019 with the bounded canonicalisation. */
const boundedEddsaRdfc2022 = { ...eddsaRdfc2022, canonize: boundedCanonize };
const boundedEcdsaRdfc2019 = { ...ecdsaRdfc2019, canonize: boundedCanonize };
/** For verifying, key objects are imported once per key (verificationKeys.ts). */
const withKeptKeys = <T extends object>(cryptosuite: T) => ({ ...cryptosuite, createVerifier: createKeptKeyVerifier });

/** Ed25519Signature2020 (jsonld-signatures' LinkedDataSignature) with the bounded canonicalisation. */
function boundedEd25519Signature2020() {
  const suite = new Ed25519Signature2020();
  suite.canonize = (input: unknown, { documentLoader, skipExpansion }: { documentLoader: DocumentLoader; skipExpansion?: boolean }) =>
    boundedCanonize(input, { documentLoader, skipExpansion });
  return suite;
}

/**
 * Data Integrity cryptosuites this service signs with, keyed by the `options.format` that selects them, each with the
 * key algorithm it signs with (Data Integrity EdDSA Cryptosuites v1.0; Data Integrity ECDSA Cryptosuites v1.0, P-256).
 */
const signingSuites = {
  'eddsa-rdfc-2022': { algorithm: 'Ed25519', cryptosuite: () => boundedEddsaRdfc2022 },
  'eddsa-jcs-2022': { algorithm: 'Ed25519', cryptosuite: () => eddsaJcs2022.createSignCryptosuite() },
  'ecdsa-rdfc-2019': { algorithm: 'P-256', cryptosuite: () => boundedEcdsaRdfc2019 },
  'ecdsa-jcs-2019': { algorithm: 'P-256', cryptosuite: () => ecdsaJcs2019.createSignCryptosuite() },
} as const satisfies Record<string, { algorithm: KeyAlgorithm; cryptosuite: () => unknown }>;
export type DataIntegrityFormat = keyof typeof signingSuites;
export const dataIntegrityFormats = Object.keys(signingSuites) as DataIntegrityFormat[];

/** The format each key algorithm signs when the caller names none (credentials, status lists). */
export const DEFAULT_FORMATS: Record<KeyAlgorithm, DataIntegrityFormat> = { 'Ed25519': 'eddsa-rdfc-2022', 'P-256': 'ecdsa-rdfc-2019' };

/** The key algorithm a Data Integrity format signs with. */
export const keyAlgorithmOf = (format: DataIntegrityFormat): KeyAlgorithm => signingSuites[format].algorithm;

/** A format's proof by `keyPair`, whose algorithm must be the format's (the library refuses another). */
function signingSuite(format: DataIntegrityFormat, keyPair: MultikeyPair) {
  return new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: signingSuites[format].cryptosuite() });
}

/** Proofs this service accepts when verifying: the four current cryptosuites and the older Ed25519Signature2020. */
const verifyingSuites = [
  new DataIntegrityProof({ cryptosuite: withKeptKeys(boundedEddsaRdfc2022) }),
  new DataIntegrityProof({ cryptosuite: withKeptKeys(eddsaJcs2022.createVerifyCryptosuite()) }),
  new DataIntegrityProof({ cryptosuite: withKeptKeys(boundedEcdsaRdfc2019) }),
  new DataIntegrityProof({ cryptosuite: withKeptKeys(ecdsaJcs2019.createVerifyCryptosuite()) }),
  boundedEd25519Signature2020(),
];

export async function signCredential(options: {
  credential: JsonObject; format: DataIntegrityFormat; keyPair: MultikeyPair; documentLoader: DocumentLoader; now: Date;
}): Promise<JsonObject> {
  const suite = signingSuite(options.format, options.keyPair);
  suite.date = options.now;
  return vc.issue({ credential: options.credential, suite, documentLoader: options.documentLoader, now: options.now });
}

export async function signPresentation(options: {
  presentation: JsonObject; keyPair: MultikeyPair; documentLoader: DocumentLoader; challenge: string; domain?: string; now: Date;
}): Promise<JsonObject> {
  const suite = signingSuite('eddsa-rdfc-2022', options.keyPair);
  suite.date = options.now;
  return vc.signPresentation({
    // The library adds the proof to the object it is given; the caller's presentation stays unsigned.
    presentation: structuredClone(options.presentation), suite, documentLoader: options.documentLoader,
    challenge: options.challenge, domain: options.domain,
  });
}

export interface ProofResult {
  verified: boolean;
  /** What went wrong, in the library's words, when not verified. */
  errors: string[];
  verificationMethods: string[];
}

function toProofResult(result: { verified: boolean; error?: unknown; results?: Array<{ proof?: { verificationMethod?: string }; error?: unknown }> }): ProofResult {
  const errors = new Set<string>();
  const collect = (error: unknown) => {
    if (!error) return;
    // A refusal of ours (a JSON-LD limit) is an answer about the request, not a verdict on the signature.
    if (error instanceof AppError) throw error;
    const e = error as { errors?: unknown[]; message?: string };
    if (Array.isArray(e.errors) && e.errors.length) e.errors.forEach(collect);
    else if (e.message) errors.add(e.message);
  };
  collect(result.error);
  result.results?.forEach((r) => collect(r.error));
  return {
    verified: result.verified,
    errors: [...errors],
    verificationMethods: (result.results ?? []).map((r) => r.proof?.verificationMethod).filter((v): v is string => typeof v === 'string'),
  };
}

/** Checks a credential's proof(s) for the assertionMethod purpose, and nothing else (dates and status are ours). */
export async function verifyCredentialProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<ProofResult> {
  if (Array.isArray(credential.proof) && credential.proof.length > 1) return verifyProofSetAndChains(credential, credential.proof, documentLoader);
  // The JCS suites' common case is checked directly (jcsProof.ts); everything else, and every refusal, by the library.
  const verifiedBy = await verifiedJcsProof(credential, documentLoader);
  if (verifiedBy) return { verified: true, errors: [], verificationMethods: [verifiedBy] };
  return verifyCredentialProofByLibrary(credential, documentLoader);
}

/** One proof (or a set of one) by the library alone: what jcsProof.ts is held to (jcs-proof-differential.test.ts). */
export async function verifyCredentialProofByLibrary(credential: JsonObject, documentLoader: DocumentLoader): Promise<ProofResult> {
  const result = await jsigs.verify(credential, {
    suite: verifyingSuites, purpose: new vc.CredentialIssuancePurpose(), documentLoader,
  });
  return toProofResult(result);
}

interface Suite {
  matchProof(options: { proof: unknown; document: unknown; documentLoader: DocumentLoader }): Promise<boolean>;
  verifyProof(options: { proof: unknown; document: unknown; proofSet: unknown[]; documentLoader: DocumentLoader }): Promise<{ verified: boolean; verificationMethod?: unknown; error?: unknown }>;
}
interface Purpose {
  match(proof: unknown, options: { document: unknown; documentLoader: DocumentLoader }): Promise<boolean>;
  validate(proof: unknown, options: Record<string, unknown>): Promise<{ valid: boolean; error?: unknown }>;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/**
 * Data Integrity 1.0 §4.4 (proof sets and chains): every proof must verify. A proof is checked over the credential
 * without its proofs, except that a proof naming `previousProof` is checked over the credential carrying the proofs it
 * names (a chain: the later signer signed the earlier signature too). A proof by the issuer's key is held to the
 * credential issuance purpose (the key's controller is the issuer); another signer's (a co-signer, e.g. an accrediting
 * body) to the plain assertionMethod purpose of its own DID.
 */
async function verifyProofSetAndChains(credential: JsonObject, proofs: unknown[], documentLoader: DocumentLoader): Promise<ProofResult> {
  const { proof: _all, ...unsecured } = credential;
  const issuer = typeof credential.issuer === 'string' ? credential.issuer
    : credential.issuer !== null && typeof credential.issuer === 'object' ? String((credential.issuer as JsonObject).id) : '';
  const errors: string[] = [];
  const verificationMethods: string[] = [];
  for (const [index, proof] of proofs.entries()) {
    if (proof === null || typeof proof !== 'object' || Array.isArray(proof)) {
      errors.push(`proof ${index} is not an object`);
      continue;
    }
    const p = proof as JsonObject;
    const previous = asArray(p.previousProof).map((id) => ({ id, proof: proofs.find((other) => (other as JsonObject | null)?.id === id) }));
    const missing = previous.find((entry) => entry.proof === undefined);
    if (missing) {
      errors.push(`proof ${index} names previousProof ${String(missing.id)}, which is not a proof of this credential`);
      continue;
    }
    const chained = previous.map((entry) => entry.proof);
    const document = chained.length === 0 ? unsecured : { ...unsecured, proof: chained.length === 1 ? chained[0] : chained };
    const vm = String(p.verificationMethod);
    const purpose: Purpose = vm.split('#')[0] === issuer ? new vc.CredentialIssuancePurpose() : new jsigs.purposes.AssertionProofPurpose();
    const outcome = await verifyOneProof(p, document, proofs, purpose, documentLoader);
    if (outcome) errors.push(`proof ${index} (${vm}): ${outcome}`);
    else verificationMethods.push(vm);
  }
  return { verified: errors.length === 0, errors, verificationMethods };
}

/** One proof against one document: undefined when it verifies, else what failed. */
async function verifyOneProof(proof: JsonObject, document: JsonObject, proofSet: unknown[], purpose: Purpose, documentLoader: DocumentLoader): Promise<string | undefined> {
  if (!(await purpose.match(proof, { document, documentLoader }))) return `proofPurpose ${String(proof.proofPurpose)} is not assertionMethod`;
  let suite: Suite | undefined;
  for (const candidate of verifyingSuites as unknown as Suite[]) {
    if (await candidate.matchProof({ proof, document, documentLoader })) {
      suite = candidate;
      break;
    }
  }
  if (!suite) return `no supported cryptosuite for ${String(proof.cryptosuite ?? proof.type)}`;
  const result = await suite.verifyProof({ proof, document, proofSet, documentLoader });
  if (!result.verified) {
    if (result.error instanceof AppError) throw result.error;
    return (result.error as Error | undefined)?.message ?? 'invalid signature';
  }
  const validation = await purpose.validate(proof, { document, suite, verificationMethod: result.verificationMethod, documentLoader });
  return validation.valid ? undefined : (validation.error as Error | undefined)?.message ?? 'the proof purpose does not hold';
}

/**
 * Adds a proof by `keyPair` to an already signed credential (co-signing). When the last existing proof has an `id`,
 * the new proof chains to it (`previousProof`, signed over the credential carrying it); otherwise it joins the proof
 * set (signed over the credential without proofs). The new proof gets an `id`, so that later proofs can chain to it.
 */
export async function addProof(options: {
  credential: JsonObject; format: DataIntegrityFormat; keyPair: MultikeyPair; documentLoader: DocumentLoader; now: Date; proofId: string;
}): Promise<JsonObject> {
  const { proof: existing, ...unsecured } = options.credential;
  const proofs = asArray(existing);
  const last = proofs[proofs.length - 1] as JsonObject | undefined;
  const previousProof = typeof last?.id === 'string' ? last.id : undefined;
  const suite = signingSuite(options.format, options.keyPair) as unknown as {
    date: Date; proof: JsonObject;
    createProof(o: { document: unknown; purpose: unknown; proofSet: unknown[]; documentLoader: DocumentLoader }): Promise<JsonObject>;
  };
  suite.date = options.now;
  suite.proof = { id: options.proofId, ...(previousProof ? { previousProof } : {}) };
  const document = previousProof ? { ...unsecured, proof: last } : unsecured;
  const proof = await suite.createProof({ document, purpose: new jsigs.purposes.AssertionProofPurpose(), proofSet: proofs, documentLoader: options.documentLoader });
  return { ...options.credential, proof: [...proofs, proof] };
}

/** Checks a presentation's own proof (authentication, with challenge and domain). */
export async function verifyPresentationProof(presentation: JsonObject, options: {
  challenge?: string; domain?: string; documentLoader: DocumentLoader;
}): Promise<ProofResult> {
  const purpose = new jsigs.purposes.AuthenticationProofPurpose({ challenge: options.challenge, domain: options.domain });
  const result = await jsigs.verify(presentation, { suite: verifyingSuites, purpose, documentLoader: options.documentLoader });
  return toProofResult(result);
}

/** The JWS algorithms this service verifies, with the key algorithm each needs. */
export const JWS_KEY_ALGORITHMS: Record<JwsAlgorithm, KeyAlgorithm> = { EdDSA: 'Ed25519', ES256: 'P-256' };
export const isVerifiedJwsAlg = (alg: unknown): alg is JwsAlgorithm => typeof alg === 'string' && Object.hasOwn(JWS_KEY_ALGORITHMS, alg);

/**
 * Checks a compact JWS against a Multikey verification method (Ed25519 for EdDSA, P-256 for ES256); throws when the
 * signature does not match, or the key is not of the algorithm the header names.
 */
export async function verifyCompactJws(jwt: string, verificationMethod: JsonObject): Promise<void> {
  // node:crypto directly: jose turns the key object into a WebCrypto key and verifies on the thread pool at each call,
  // which cost several times the signature check. Only what this service accepts: EdDSA or ES256, no critical extensions.
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('Invalid Compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  } catch {
    throw new Error('JWS Protected Header is invalid');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error('JWS Protected Header is invalid');
  const { alg, crit, b64 } = header as JsonObject;
  if (!isVerifiedJwsAlg(alg)) throw new Error(`"alg" (Algorithm) Header Parameter value not allowed: ${String(alg)}`);
  if (crit !== undefined || b64 !== undefined) throw new Error('JWS critical extensions (crit, b64) are not supported');
  const check = signatureCheckOf(await publicKeyObject(verificationMethod));
  if (check.algorithm !== JWS_KEY_ALGORITHMS[alg]) throw new Error(`"alg" ${alg} needs a ${JWS_KEY_ALGORITHMS[alg]} key; ${String(verificationMethod.id)} is ${check.algorithm}`);
  if (!check.verify(Buffer.from(`${encodedHeader}.${encodedPayload}`), Buffer.from(encodedSignature, 'base64url'))) {
    throw new Error('signature verification failed');
  }
}

/** The VC Data Model's structural rules (type, issuer, subject, date formats), without judging dates against now. */
export function checkCredentialShape(credential: JsonObject): string | undefined {
  try {
    vc._checkCredential({ credential, mode: 'issue' });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Canonical N-Quads of a document exactly as eddsa-rdfc-2022 signs and verifies them (for tests and tools). */
export function canonicalNQuads(document: JsonObject, documentLoader: DocumentLoader): Promise<string> {
  return boundedCanonize(document, { documentLoader });
}

/**
 * Expands in JSON-LD safe mode: throws on any term that the contexts do not define. A document the compiled contexts
 * convert has nothing safe mode refuses (compiledRdf.ts gives up on undefined terms, relative IRIs and invalid values,
 * and the differential test holds its errors to jsonld.js's), so only the others are expanded; the walk takes about a
 * fifth of the expansion's time.
 */
export async function expandSafely(document: JsonObject, documentLoader: DocumentLoader): Promise<void> {
  if (await compiledToRdf(document)) return;
  await jsonld.expand(document, { documentLoader, safe: true });
}

export function createPresentation(credentials: JsonObject[], holder: string | undefined, id: string): JsonObject {
  return vc.createPresentation({ verifiableCredential: credentials, holder, id, version: 2.0 });
}
