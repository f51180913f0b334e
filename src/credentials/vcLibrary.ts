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
import type { Ed25519KeyPair } from '../keys/keyStore.js';
import type { DocumentLoader } from './documentLoader.js';
import { installFastContexts } from './fastContexts.js';
import { installNullPrototypeNodeMaps } from './nullPrototypeNodeMaps.js';

// jsonld.js without its defensive deep copies of active contexts: same output, about 2-3x faster (see fastContexts.ts).
installFastContexts();
// A node id such as "__proto__" must never reach Object.prototype (see nullPrototypeNodeMaps.ts).
installNullPrototypeNodeMaps();

export type JsonObject = Record<string, unknown>;

/** Data Integrity cryptosuites this service signs with, keyed by the `options.format` that selects them. */
const signingSuites = {
  'eddsa-rdfc-2022': (keyPair: Ed25519KeyPair) => new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 }),
  'eddsa-jcs-2022': (keyPair: Ed25519KeyPair) =>
    new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaJcs2022.createSignCryptosuite() }),
} as const;
export type DataIntegrityFormat = keyof typeof signingSuites;
export const dataIntegrityFormats = Object.keys(signingSuites) as DataIntegrityFormat[];

/** Proofs this service accepts when verifying: both current cryptosuites and the older Ed25519Signature2020. */
const verifyingSuites = [
  new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
  new DataIntegrityProof({ cryptosuite: eddsaJcs2022.createVerifyCryptosuite() }),
  new Ed25519Signature2020(),
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
