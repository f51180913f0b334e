/**
 * A direct check of one eddsa-jcs-2022 or ecdsa-jcs-2019 proof for the credential issuance purpose, for the common
 * case only: what @digitalbazaar/data-integrity and jsonld-signatures do for these suites (W3C vc-di-eddsa "Verify
 * Proof (eddsa-jcs-2022)", vc-di-ecdsa for ecdsa-jcs-2019, and the library's proof matching and purpose checks),
 * without their proof-set copies, suite matching and purpose objects, which cost more than the JCS hashing itself.
 *
 * It only ever answers "verified"; for anything else (a failed signature, an unusual proof or controller document)
 * it answers undefined and the caller asks the library, so every refusal and its message is the library's.
 * test/credentials/jcs-proof-differential.test.ts holds it to the library's verdicts.
 */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { base58btc } from './relatedResources.js';
import type { DocumentLoader } from './documentLoader.js';
import { publicKeyObject, signatureCheckOf } from './verificationKeys.js';

type JsonObject = Record<string, unknown>;

// The cryptosuites' own JCS (canonicalize 2.x, which they depend on), so that the bytes hashed are theirs.
const require = createRequire(import.meta.url);
const suiteCanonicalize = (suite: string) => createRequire(require.resolve(`@digitalbazaar/${suite}-cryptosuite`))('canonicalize') as (value: unknown) => string;
const SUITES: Record<string, { canonicalize: (value: unknown) => string; hashOf(algorithm: string): string | undefined }> = {
  'eddsa-jcs-2022': { canonicalize: suiteCanonicalize('eddsa-jcs-2022'), hashOf: (algorithm) => (algorithm === 'Ed25519' ? 'sha256' : undefined) },
  'ecdsa-jcs-2019': {
    canonicalize: suiteCanonicalize('ecdsa-jcs-2019'),
    hashOf: (algorithm) => (algorithm === 'P-256' ? 'sha256' : algorithm === 'P-384' ? 'sha384' : undefined),
  },
};

/** jsonld-signatures' own test for `created` and `expires` (an XSD dateTimeStamp, as util.isW3cDate). */
const W3C_DATE = /^(\d{4})-(0[1-9]|1[0-2])-([12]\d|0[1-9]|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):([0-5]\d))$/i;
const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The verification methods of a proof of `credential` that verifies by the common path, or undefined: then only the
 * library can say (and it says why not).
 */
export async function verifiedJcsProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<string | undefined> {
  try {
    return await checkJcsProof(credential, documentLoader);
  } catch {
    // An unloadable method, an unreadable key, a value JCS refuses: the library's errors say it.
    return undefined;
  }
}

async function checkJcsProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<string | undefined> {
  const { proof, ...unsecured } = credential;
  if (!isObject(proof) || proof.type !== 'DataIntegrityProof' || proof.proofPurpose !== 'assertionMethod') return undefined;
  const suite = typeof proof.cryptosuite === 'string' ? SUITES[proof.cryptosuite] : undefined;
  const { proofValue, verificationMethod: vmId, created, expires } = proof;
  if (!suite || typeof vmId !== 'string' || typeof proofValue !== 'string' || proofValue[0] !== 'z') return undefined;
  if ((created !== undefined && !(typeof created === 'string' && W3C_DATE.test(created))) || (expires !== undefined && !(typeof expires === 'string' && W3C_DATE.test(expires)))) return undefined;
  // Verify Proof step 4: a proof with @context signs the document under that @context, which the document's must start with.
  if (proof['@context'] !== undefined) {
    const proofContext = Array.isArray(proof['@context']) ? proof['@context'] : [proof['@context']];
    const documentContext = Array.isArray(credential['@context']) ? credential['@context'] : [credential['@context']];
    if (proofContext.some((context, i) => context !== documentContext[i])) return undefined;
    unsecured['@context'] = proof['@context'];
  }
  const verificationMethod = (await documentLoader(vmId)).document;
  if (!isObject(verificationMethod) || typeof verificationMethod.id !== 'string') return undefined;
  const check = signatureCheckOf(await publicKeyObject(verificationMethod));
  const hash = suite.hashOf(check.algorithm);
  if (!hash) return undefined;
  const { proofValue: _signature, ...proofConfig } = proof;
  const data = Buffer.concat([
    crypto.createHash(hash).update(suite.canonicalize(proofConfig)).digest(),
    crypto.createHash(hash).update(suite.canonicalize(unsecured)).digest(),
  ]);
  if (!check.verify(data, base58btc(proofValue.slice(1)))) return undefined;
  return (await issuedByController(credential, verificationMethod, documentLoader)) ? vmId : undefined;
}

/**
 * The credential issuance purpose (jsonld-signatures' ControllerProofPurpose and @digitalbazaar/vc's
 * CredentialIssuancePurpose): the method's controller lists it under assertionMethod, and is the credential's issuer.
 * Only controller documents the library reads without JSON-LD framing (a DID v1 @context first).
 */
async function issuedByController(credential: JsonObject, verificationMethod: JsonObject, documentLoader: DocumentLoader): Promise<boolean> {
  const { controller } = verificationMethod;
  const controllerId = isObject(controller) ? controller.id : controller;
  if (typeof controllerId !== 'string') return false;
  const document = (await documentLoader(controllerId)).document;
  if (!isObject(document)) return false;
  const context = document['@context'];
  if (!(context === DID_CONTEXT_V1 || (Array.isArray(context) && context[0] === DID_CONTEXT_V1))) return false;
  const assertionMethods = document.assertionMethod === undefined ? [] : Array.isArray(document.assertionMethod) ? document.assertionMethod : [document.assertionMethod];
  if (!assertionMethods.some((entry) => entry === verificationMethod.id || (isObject(entry) && entry.id === verificationMethod.id))) return false;
  const issuer = Array.isArray(credential.issuer) ? credential.issuer[0] : credential.issuer;
  const issuerId = typeof issuer === 'string' ? issuer : isObject(issuer) ? issuer.id : undefined;
  return typeof document.id === 'string' && document.id === issuerId;
}
