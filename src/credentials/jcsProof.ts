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
import { base58btcBytes } from './base58.js';
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

/**
 * @digitalbazaar/data-integrity's own test of `created` and `expires` (util.isW3cDate, not exported), reduced to what
 * decides: its pattern is unanchored and everything after the time is optional, so the library takes any text holding
 * a date and a time of day (or 24:00:00), and the fast path must take what it takes.
 */
const XSD_DATE_TIME = /\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(([01]\d|2[0-3]):[0-5]\d:[0-5]\d|24:00:00)/;
/** As the library tests a value: absent, or its text (RegExp.test reads any value as a string) holding a date-time. */
const absentOrDateTime = (value: unknown): boolean => value === undefined || XSD_DATE_TIME.test(String(value));
const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The verification methods of a proof of `credential` that verifies by the common path, or undefined: then only the
 * library can say (and it says why not).
 */
export async function verifiedJcsProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<string | undefined> {
  let method: string | undefined;
  try {
    method = await checkJcsProof(credential, documentLoader);
  } catch {
    // An unloadable method, an unreadable key, a value JCS refuses: the library's errors say it.
    method = undefined;
  }
  stats[method === undefined ? 'leftToLibrary' : 'verified']++;
  return method;
}

const stats = { verified: 0, leftToLibrary: 0, librarySerialisations: 0 };

/**
 * On this thread so far: proofs the fast path verified, proofs it left to the library (of any suite: every single proof
 * is offered here first), and values it had the suite's library serialise (values JSON.parse never makes, which only
 * in-process callers hand over). For the benchmark.
 */
export function jcsFastPathStats(): { verified: number; leftToLibrary: number; librarySerialisations: number } {
  return { ...stats };
}

async function checkJcsProof(credential: JsonObject, documentLoader: DocumentLoader): Promise<string | undefined> {
  const { proof } = credential;
  if (!isObject(proof) || proof.type !== 'DataIntegrityProof' || proof.proofPurpose !== 'assertionMethod') return undefined;
  const suite = typeof proof.cryptosuite === 'string' ? SUITES[proof.cryptosuite] : undefined;
  const { proofValue, verificationMethod: vmId, created, expires } = proof;
  if (!suite || typeof vmId !== 'string' || typeof proofValue !== 'string' || proofValue[0] !== 'z') return undefined;
  if (!absentOrDateTime(created) || !absentOrDateTime(expires)) return undefined;
  // Verify Proof step 4: a proof with @context signs the document under that @context, which the document's must start with.
  let context = credential['@context'];
  if (proof['@context'] !== undefined) {
    const proofContext = Array.isArray(proof['@context']) ? proof['@context'] : [proof['@context']];
    const documentContext = Array.isArray(context) ? context : [context];
    if (proofContext.some((entry, i) => entry !== documentContext[i])) return undefined;
    context = proof['@context'];
  }
  const verificationMethod = (await documentLoader(vmId)).document;
  if (!isObject(verificationMethod) || typeof verificationMethod.id !== 'string') return undefined;
  const check = signatureCheckOf(await publicKeyObject(verificationMethod));
  const hash = suite.hashOf(check.algorithm);
  if (!hash) return undefined;
  // The hashes of the proof options (the proof without its value) and of the document without its proof, in the JCS
  // of the suite's own library (jcsOrLibrary); each value is serialised once, without copying the document.
  const data = Buffer.concat([
    crypto.hash(hash, jcsOrLibrary(suite, proof, 'proofValue'), 'buffer'),
    crypto.hash(hash, jcsOrLibrary(suite, credential, 'proof', context), 'buffer'),
  ]);
  if (!check.verify(data, base58btcBytes(proofValue, 1))) return undefined;
  return (await issuedByController(credential, verificationMethod, documentLoader)) ? vmId : undefined;
}

/** Thrown by `jcs` for anything JSON does not hold: the suite's library then serialises the whole value. */
const NOT_JSON = Symbol('not JSON');

/**
 * `object` without its member `omitted` (and with `@context` replaced by `context` when given), in JCS (RFC 8785):
 * what the suite's library (canonicalize 2.x) answers for every value JSON can hold, faster; for any other value
 * (undefined in an array, a symbol, a function, a bigint, a number JSON has not, an object with toJSON, a sparse
 * array) the library's own serialisation of the same copy, so that its answer, or its error, is the one used.
 */
function jcsOrLibrary(suite: { canonicalize: (value: unknown) => string }, object: JsonObject, omitted: string, context?: unknown): string {
  const contextReplaced = context !== undefined && context !== object['@context'];
  try {
    // A proof's @context is signed as the document's even where the document has none (an empty array matches it).
    if (contextReplaced && !Object.hasOwn(object, '@context')) throw NOT_JSON;
    let out = '{';
    for (const key of Object.keys(object).sort()) {
      if (key === omitted) continue;
      const value = contextReplaced && key === '@context' ? context : object[key];
      if (value === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${jsonString(key)}:${jcs(value)}`;
    }
    return `${out}}`;
  } catch (error) {
    if (error !== NOT_JSON) throw error;
    stats.librarySerialisations++;
    const { [omitted]: _omitted, ...rest } = object;
    if (contextReplaced) rest['@context'] = context;
    return suite.canonicalize(rest);
  }
}

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters, lone surrogates (ES2019). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const ESCAPED = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** JSON.stringify of a string, without calling it for the common string that needs no escape. */
const jsonString = (value: string): string => (ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`);

/** canonicalize 2.x's serialisation of a JSON value (same key order: UTF-16 code units; same number and string forms). */
function jcs(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_JSON;
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || value[i] === undefined) throw NOT_JSON;
          out += i === 0 ? jcs(value[i]) : `,${jcs(value[i])}`;
        }
        return `${out}]`;
      }
      let out = '{';
      for (const key of Object.keys(value).sort()) {
        const member = (value as JsonObject)[key];
        if (member === undefined) continue;
        out += `${out.length === 1 ? '' : ','}${jsonString(key)}:${jcs(member)}`;
      }
      return `${out}}`;
    }
    default:
      throw NOT_JSON;
  }
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
