import { AppError, badRequest } from '../errors.js';
import { getFramework, getLevel, levelByUri } from '../frameworks/registry.js';
import { getIscoGroup, getOccupation, labelIn } from '../skills/catalogue.js';

export const SCOPE_TYPES = ['framework', 'level', 'occupation'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

/** What an accreditation covers: every level of a framework, one level, or an occupation (an ISCO-08 group covers its sub-groups). */
export interface Scope { type: ScopeType; value: string }

/** As clients write it: exactly one of framework, level, occupation. */
export interface ScopeInput { framework?: string; level?: string; occupation?: string }

const ESCO_OCCUPATION = 'http://data.europa.eu/esco/occupation/';

/** Checks a scope against the reference data and returns it in stored form (level refs such as ma-cnc:3). */
export function parseScope(input: ScopeInput, where = 'scope'): Scope {
  const given = SCOPE_TYPES.filter((type) => input[type] !== undefined);
  if (given.length !== 1) {
    throw badRequest('invalid-scope', `${where} must have exactly one of framework (e.g. "ma-cnc"), level (e.g. "ma-cnc:3" or a level URI) or occupation (an ISCO-08 code such as "7112", or an ESCO occupation URI)`);
  }
  const type = given[0]!;
  const value = String(input[type]).trim();
  if (type === 'framework') {
    if (!getFramework(value)) throw badRequest('unknown-framework', `${where}.framework "${value}" is not a framework this service holds; GET /frameworks lists them`);
    return { type, value };
  }
  if (type === 'level') {
    const level = getLevel(value) ?? levelByUri(value);
    if (!level) throw badRequest('unknown-framework-level', `${where}.level "${value}" is not a known level; use a ref such as "ma-cnc:3" or a level URI (GET /frameworks/<id>)`);
    return { type, value: level.ref };
  }
  try {
    if (value.startsWith(ESCO_OCCUPATION)) getOccupation(value);
    else getIscoGroup(value);
  } catch (error) {
    if (error instanceof AppError) {
      throw badRequest('unknown-occupation', `${where}.occupation "${value}" is neither an ISCO-08 group code (1 to 4 digits, e.g. 7112) nor an ESCO occupation URI this service knows`);
    }
    throw error;
  }
  return { type, value };
}

/** A short human label: "CNC level 3", "framework EQF", "ISCO-08 7112 (Bricklayers and related workers)". */
export function describeScope(scope: Scope, lang = 'en'): string {
  if (scope.type === 'framework') {
    const framework = getFramework(scope.value);
    return `every level of ${framework?.acronym ?? scope.value}`;
  }
  if (scope.type === 'level') {
    const level = getLevel(scope.value);
    const framework = level ? getFramework(level.framework) : undefined;
    return level && framework ? `${framework.acronym} level ${level.code}` : scope.value;
  }
  const language = lang === 'fr' || lang === 'es' ? lang : 'en';
  try {
    if (scope.value.startsWith(ESCO_OCCUPATION)) return `the occupation "${labelIn(getOccupation(scope.value).labels, language)}"`;
    return `ISCO-08 ${scope.value} (${labelIn(getIscoGroup(scope.value).labels, language)})`;
  } catch {
    return `occupation ${scope.value}`;
  }
}

/** What a credential claims, as far as accreditation scopes go. */
export interface CredentialClaims {
  /** Level refs, e.g. ["ma-cnc:3", "eqf:3"]. */
  levels: string[];
  frameworks: string[];
  /** ISCO-08 codes (from ISCO alignments, and the unit group of ESCO occupations). */
  iscoCodes: string[];
  escoOccupations: string[];
}

export function scopeCovers(scope: Scope, claims: CredentialClaims): boolean {
  switch (scope.type) {
    case 'framework': return claims.frameworks.includes(scope.value);
    case 'level': return claims.levels.includes(scope.value);
    case 'occupation':
      return scope.value.startsWith(ESCO_OCCUPATION)
        ? claims.escoOccupations.includes(scope.value)
        // An accreditation for a group (711) covers the groups under it (7112).
        : claims.iscoCodes.some((code) => code.startsWith(scope.value));
  }
}
