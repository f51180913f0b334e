/**
 * The part of DCQL (OpenID4VP 1.0, section 6) this verifier asks with and checks answers against: credential queries
 * for the formats it verifies, `meta` (W3C `type_values`, SD-JWT VC `vct_values`), claims paths with `values`,
 * `claim_sets`, `credential_sets` and `multiple`. Trusted authorities are not used: the trust check judges issuers.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { badRequest } from '../errors.js';

/** Presentation formats whose presentations this service verifies (OpenID4VP 1.0, appendix B). */
export const PRESENTATION_FORMATS = ['ldp_vc', 'jwt_vc_json', 'dc+sd-jwt'] as const;
export type PresentationFormat = typeof PRESENTATION_FORMATS[number];

export type ClaimPath = Array<string | number | null>;
export interface ClaimQuery { id?: string; path: ClaimPath; values?: Array<string | number | boolean> }
export interface CredentialQuery {
  id: string;
  format: PresentationFormat;
  multiple?: boolean;
  meta: { type_values?: string[][]; vct_values?: string[] };
  claims?: ClaimQuery[];
  claim_sets?: string[][];
  require_cryptographic_holder_binding?: boolean;
}
export interface CredentialSetQuery { options: string[][]; required?: boolean }
export interface DcqlQuery { credentials: CredentialQuery[]; credential_sets?: CredentialSetQuery[] }

const identifier = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const DCQL_SCHEMA = {
  type: 'object',
  required: ['credentials'],
  additionalProperties: false,
  properties: {
    credentials: {
      type: 'array', minItems: 1, maxItems: 10,
      items: {
        type: 'object',
        required: ['id', 'format', 'meta'],
        additionalProperties: false,
        properties: {
          id: identifier,
          format: { enum: PRESENTATION_FORMATS },
          multiple: { type: 'boolean' },
          require_cryptographic_holder_binding: { type: 'boolean' },
          meta: {
            type: 'object', additionalProperties: false,
            properties: {
              type_values: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'string', maxLength: 500 } } },
              vct_values: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'string', maxLength: 500 } },
            },
          },
          claims: {
            type: 'array', minItems: 1, maxItems: 30,
            items: {
              type: 'object', required: ['path'], additionalProperties: false,
              properties: {
                id: identifier,
                path: { type: 'array', minItems: 1, maxItems: 10, items: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'integer', minimum: 0 }, { type: 'null' }] } },
                values: { type: 'array', minItems: 1, maxItems: 30, items: { anyOf: [{ type: 'string', maxLength: 500 }, { type: 'number' }, { type: 'boolean' }] } },
              },
            },
          },
          claim_sets: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'array', minItems: 1, maxItems: 30, items: identifier } },
        },
      },
    },
    credential_sets: {
      type: 'array', minItems: 1, maxItems: 10,
      items: {
        type: 'object', required: ['options'], additionalProperties: false,
        properties: {
          options: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'array', minItems: 1, maxItems: 10, items: identifier } },
          required: { type: 'boolean' },
          purpose: {},
        },
      },
    },
  },
} as const;

const validateShape = new Ajv2020({ strict: false, allErrors: false }).compile(DCQL_SCHEMA);

/** Checks a DCQL query given through the API: its shape, then the references between its parts. */
export function parseDcqlQuery(input: unknown): DcqlQuery {
  if (!validateShape(input)) {
    const error = validateShape.errors?.[0];
    throw badRequest('invalid-dcql-query', `The DCQL query is not one this service can ask with: ${error?.instancePath || '/'} ${error?.message ?? ''}`.trim());
  }
  const query = input as unknown as DcqlQuery;
  const ids = query.credentials.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw badRequest('invalid-dcql-query', 'Each credential query needs its own id');
  for (const credential of query.credentials) {
    const metaKey = credential.format === 'dc+sd-jwt' ? 'vct_values' : 'type_values';
    if (!credential.meta[metaKey]) throw badRequest('invalid-dcql-query', `The credential query "${credential.id}" (${credential.format}) needs meta.${metaKey}`);
    const claimIds = new Set((credential.claims ?? []).map((c) => c.id));
    for (const set of credential.claim_sets ?? []) {
      const unknown = set.find((id) => !claimIds.has(id));
      if (unknown) throw badRequest('invalid-dcql-query', `The claim set of "${credential.id}" names the claim "${unknown}", which has no id in its claims`);
    }
  }
  for (const set of query.credential_sets ?? []) {
    const unknown = set.options.flat().find((id) => !ids.includes(id));
    if (unknown) throw badRequest('invalid-dcql-query', `A credential set names "${unknown}", which is no credential query's id`);
  }
  return query;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The values a claims path points to (OpenID4VP 1.0, section 7.1: a key, every array element, or one index). */
export function selectClaim(document: unknown, path: ClaimPath): unknown[] {
  let selected: unknown[] = [document];
  for (const component of path) {
    selected = selected.flatMap((value) => {
      if (component === null) return Array.isArray(value) ? value : [];
      if (typeof component === 'number') return Array.isArray(value) && component < value.length ? [value[component]] : [];
      return isObject(value) && Object.hasOwn(value, component) ? [value[component]] : [];
    });
  }
  return selected;
}

function claimMatches(document: unknown, claim: ClaimQuery): boolean {
  const found = selectClaim(document, claim.path);
  if (claim.values === undefined) return found.length > 0;
  return found.some((value) => claim.values!.includes(value as string | number | boolean));
}

/**
 * Why a presented credential does not answer its credential query, or undefined when it does. `expandedTypes` are the
 * credential's types as IRIs (type_values are compared after JSON-LD expansion, appendix B.1.1).
 */
export function mismatchOf(query: CredentialQuery, credential: Record<string, unknown>, expandedTypes: string[] = []): string | undefined {
  if (query.meta.type_values && !query.meta.type_values.some((types) => types.every((type) => expandedTypes.includes(type)))) {
    return `its types (${expandedTypes.join(', ') || 'none'}) are none of those asked for`;
  }
  if (query.meta.vct_values && !query.meta.vct_values.includes(String(credential.vct))) {
    return `its type (vct ${String(credential.vct)}) is none of those asked for`;
  }
  const claims = query.claims ?? [];
  if (query.claim_sets) {
    const byId = new Map(claims.map((c) => [c.id, c]));
    if (!query.claim_sets.some((set) => set.every((id) => claimMatches(credential, byId.get(id)!)))) return 'no set of the claims asked for is in it';
    return undefined;
  }
  const missing = claims.find((claim) => !claimMatches(credential, claim));
  return missing ? `it has no ${missing.path.map((p) => (p === null ? '*' : String(p))).join('.')}${missing.values ? ` with the value ${missing.values.join(' or ')}` : ''}` : undefined;
}

/** The credential queries a response must answer: all of them, or one option of each required credential set. */
export function unansweredQueries(query: DcqlQuery, answered: string[]): string[][] {
  if (!query.credential_sets) return query.credentials.filter((c) => !answered.includes(c.id)).map((c) => [c.id]);
  return query.credential_sets.filter((set) => set.required !== false)
    .filter((set) => !set.options.some((option) => option.every((id) => answered.includes(id))))
    .map((set) => set.options.flat());
}
