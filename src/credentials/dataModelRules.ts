import { badRequest, type AppError } from '../errors.js';
import { isObject } from './jsonLimits.js';
import type { JsonObject } from './vcLibrary.js';

/**
 * The VC Data Model rules (2.0 §4, and 1.1 where it says the same) that @digitalbazaar/vc's own shape check leaves
 * out, each refused with a code of its own so that a caller can tell which rule it broke:
 * - credentialSubject: an object, or a non-empty array of objects (2.0 §4.8; 1.1 §4.4);
 * - credentialSchema and refreshService: every entry names its `type` (2.0 §4.11 and §5.4);
 * - relatedResource: an array of objects, each with a unique `id` and a digestSRI or digestMultibase (2.0 §5.3);
 * - digestSRI: a Subresource Integrity value with sha256, sha384 or sha512 (2.0 §5.3, which cites SRI);
 * - credentialStatus: every entry an object with a `type`, its `id` (if any) a URL (2.0 §4.10).
 */
export function dataModelProblem(credential: JsonObject): AppError | undefined {
  return subjectProblem(credential.credentialSubject)
    ?? typedEntriesProblem(credential.credentialSchema, 'credentialSchema', 'credential-schema-without-type')
    ?? typedEntriesProblem(credential.refreshService, 'refreshService', 'refresh-service-without-type')
    ?? relatedResourceProblem(credential.relatedResource)
    ?? statusProblem(credential.credentialStatus);
}

function statusProblem(value: unknown): AppError | undefined {
  if (value === undefined) return undefined;
  for (const [index, entry] of asList(value).entries()) {
    if (!isObject(entry) || !hasType(entry.type)) {
      return badRequest('invalid-credential-status', `credentialStatus entry ${index} must be an object with a "type" (VC Data Model 2.0 §4.10)`, { index });
    }
    if (entry.id !== undefined && !isUrl(entry.id)) {
      return badRequest('invalid-credential-status', `credentialStatus entry ${index}: "id" must be a URL`, { index });
    }
  }
  return undefined;
}

function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function subjectProblem(subject: unknown): AppError | undefined {
  if (subject === undefined) return undefined; // the shape check reports a missing subject
  const subjects = asList(subject);
  if (subjects.length === 0 || !subjects.every(isObject)) {
    return badRequest('invalid-credential-subject', 'credentialSubject must be an object or a non-empty array of objects (VC Data Model 2.0 §4.8)');
  }
  return undefined;
}

function typedEntriesProblem(value: unknown, property: string, code: string): AppError | undefined {
  if (value === undefined) return undefined;
  const entries = asList(value);
  const at = entries.findIndex((entry) => !isObject(entry) || !hasType(entry.type));
  if (entries.length === 0 || at >= 0) {
    return badRequest(code, `Every ${property} entry must be an object with a "type" (VC Data Model 2.0)${at >= 0 ? `; entry ${at} has none` : ''}`, { property });
  }
  return undefined;
}

const hasType = (type: unknown): boolean =>
  typeof type === 'string' ? type.length > 0 : Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === 'string');

/** SRI: the algorithm, a dash, the base64 digest (one value; several space-separated values are not a digest of ours). */
export const DIGEST_SRI = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$/;

function relatedResourceProblem(value: unknown): AppError | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) {
    return badRequest('invalid-related-resource', 'relatedResource must be a non-empty array of objects, each {"id": <URL>, "digestSRI" or "digestMultibase"} (VC Data Model 2.0 §5.3)');
  }
  const seen = new Set<string>();
  for (const [index, resource] of value.entries()) {
    if (typeof resource.id !== 'string' || resource.id.length === 0) {
      return badRequest('invalid-related-resource', `relatedResource entry ${index} has no "id": each related resource names the URL it protects`, { index });
    }
    if (seen.has(resource.id)) {
      return badRequest('duplicate-related-resource-id', `relatedResource names ${resource.id} twice; each id may appear once (VC Data Model 2.0 §5.3)`, { index, id: resource.id });
    }
    seen.add(resource.id);
    if (resource.digestSRI === undefined && resource.digestMultibase === undefined) {
      return badRequest('related-resource-without-digest', `relatedResource ${resource.id} has neither digestSRI nor digestMultibase; give the digest of the resource`, { index, id: resource.id });
    }
    if (resource.digestSRI !== undefined && (typeof resource.digestSRI !== 'string' || !DIGEST_SRI.test(resource.digestSRI))) {
      return badRequest('invalid-related-resource', `relatedResource ${resource.id}: digestSRI must be "sha256-", "sha384-" or "sha512-" followed by the base64 digest`, { index, id: resource.id });
    }
    if (resource.digestMultibase !== undefined && (typeof resource.digestMultibase !== 'string' || !/^[uz]/.test(resource.digestMultibase))) {
      return badRequest('invalid-related-resource', `relatedResource ${resource.id}: digestMultibase must be a multibase string (base64url "u…" or base58btc "z…")`, { index, id: resource.id });
    }
  }
  return undefined;
}
