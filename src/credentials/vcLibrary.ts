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
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import * as rdfCanonize from 'rdf-canonize';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { compactVerify, importJWK } from 'jose';
import { AppError } from '../errors.js';
import type { Ed25519KeyPair } from '../keys/keyStore.js';
import type { DocumentLoader } from './documentLoader.js';
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
 * number of quads handed to the canonicaliser, and its work factor (see JSON_LD_LIMITS).
 */
async function boundedCanonize(input: unknown, options: Record<string, unknown>): Promise<string> {
  const settings = { algorithm: 'RDFC-1.0', format: 'application/n-quads', base: null, safe: true, ...options };
  const { format: _format, ...toRdfOptions } = { rdfDirection: 'i18n-datatype', ...settings, produceGeneralizedRdf: false };
  const dataset = await jsonld.toRDF(input, toRdfOptions) as unknown[];
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

/** eddsa-rdfc-2022 with the bounded canonicalisation. */
const boundedEddsaRdfc2022 = { ...eddsaRdfc2022, canonize: boundedCanonize };

/** Ed25519Signature2020 (jsonld-signatures' LinkedDataSignature) with the bounded canonicalisation. */
function boundedEd25519Signature2020() {
  const suite = new Ed25519Signature2020();
  suite.canonize = (input: unknown, { documentLoader, skipExpansion }: { documentLoader: DocumentLoader; skipExpansion?: boolean }) =>
    boundedCanonize(input, { documentLoader, skipExpansion });
  return suite;
}

/** Data Integrity cryptosuites this service signs with, keyed by the `options.format` that selects them. */
const signingSuites = {
  'eddsa-rdfc-2022': (keyPair: Ed25519KeyPair) => new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: boundedEddsaRdfc2022 }),
  'eddsa-jcs-2022': (keyPair: Ed25519KeyPair) =>
    new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaJcs2022.createSignCryptosuite() }),
} as const;
export type DataIntegrityFormat = keyof typeof signingSuites;
export const dataIntegrityFormats = Object.keys(signingSuites) as DataIntegrityFormat[];

/** Proofs this service accepts when verifying: both current cryptosuites and the older Ed25519Signature2020. */
const verifyingSuites = [
  new DataIntegrityProof({ cryptosuite: boundedEddsaRdfc2022 }),
  new DataIntegrityProof({ cryptosuite: eddsaJcs2022.createVerifyCryptosuite() }),
  boundedEd25519Signature2020(),
];

export async function signCredential(options: {
  credential: JsonObject; format: DataIntegrityFormat; keyPair: Ed25519KeyPair; documentLoader: DocumentLoader; now: Date;
}): Promise<JsonObject> {
  const suite = signingSuites[options.format](options.keyPair);
  suite.date = options.now;
  return vc.issue({ credential: options.credential, suite, documentLoader: options.documentLoader, now: options.now });
}

export async function signPresentation(options: {
  presentation: JsonObject; keyPair: Ed25519KeyPair; documentLoader: DocumentLoader; challenge: string; domain?: string; now: Date;
}): Promise<JsonObject> {
  const suite = signingSuites['eddsa-rdfc-2022'](options.keyPair);
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
  const result = await jsigs.verify(credential, {
    suite: verifyingSuites, purpose: new vc.CredentialIssuancePurpose(), documentLoader,
  });
  return toProofResult(result);
}

/** Checks a presentation's own proof (authentication, with challenge and domain). */
export async function verifyPresentationProof(presentation: JsonObject, options: {
  challenge?: string; domain?: string; documentLoader: DocumentLoader;
}): Promise<ProofResult> {
  const purpose = new jsigs.purposes.AuthenticationProofPurpose({ challenge: options.challenge, domain: options.domain });
  const result = await jsigs.verify(presentation, { suite: verifyingSuites, purpose, documentLoader: options.documentLoader });
  return toProofResult(result);
}

/** Checks a compact JWS against an Ed25519 Multikey verification method; throws when the signature does not match. */
export async function verifyCompactJws(jwt: string, verificationMethod: JsonObject): Promise<void> {
  const key = await Ed25519Multikey.from(verificationMethod);
  const jwk = await Ed25519Multikey.toJwk({ keyPair: key });
  await compactVerify(jwt, await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA'));
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

/** Expands in JSON-LD safe mode: throws on any term that the contexts do not define. */
export async function expandSafely(document: JsonObject, documentLoader: DocumentLoader): Promise<void> {
  await jsonld.expand(document, { documentLoader, safe: true });
}

export function createPresentation(credentials: JsonObject[], holder: string | undefined, id: string): JsonObject {
  return vc.createPresentation({ verifiableCredential: credentials, holder, id, version: 2.0 });
}
