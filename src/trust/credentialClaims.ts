import { resolveAlignment } from '../frameworks/registry.js';
import { getOccupation } from '../skills/catalogue.js';
import type { CredentialClaims } from './scope.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const ESCO_OCCUPATION = 'http://data.europa.eu/esco/occupation/';
const ESCO_ISCO = 'http://data.europa.eu/esco/isco/C';

/**
 * The levels and occupations a credential claims through its Open Badges achievements' alignments. Never throws:
 * an alignment this service cannot read simply claims nothing that an accreditation could cover.
 */
export function claimsOf(credential: JsonObject): CredentialClaims {
  const claims: CredentialClaims = { levels: [], frameworks: [], iscoCodes: [], escoOccupations: [] };
  const alignments = asArray(credential.credentialSubject).filter(isObject)
    .flatMap((subject) => asArray(subject.achievement).filter(isObject))
    .flatMap((achievement) => asArray(achievement.alignment).filter(isObject));
  for (const alignment of alignments) {
    const targetUrl = text(alignment.targetUrl) ?? '';
    const targetCode = text(alignment.targetCode);
    const targetFramework = text(alignment.targetFramework) ?? '';
    if (targetUrl.startsWith(ESCO_OCCUPATION)) {
      claims.escoOccupations.push(targetUrl);
      try {
        claims.iscoCodes.push(getOccupation(targetUrl).iscoGroup);
      } catch {
        // An ESCO occupation outside the shipped catalogue still matches an accreditation naming its URI.
      }
    } else if (/^isco/i.test(targetFramework) || targetUrl.startsWith(ESCO_ISCO)) {
      const code = targetCode ?? targetUrl.slice(ESCO_ISCO.length);
      if (/^\d{1,4}$/.test(code)) claims.iscoCodes.push(code);
    } else {
      const level = resolveAlignment({ targetFramework: text(alignment.targetFramework), targetCode, targetUrl: text(alignment.targetUrl) });
      if (level) {
        claims.levels.push(level.ref);
        claims.frameworks.push(level.framework);
      }
    }
  }
  return {
    levels: [...new Set(claims.levels)], frameworks: [...new Set(claims.frameworks)],
    iscoCodes: [...new Set(claims.iscoCodes)], escoOccupations: [...new Set(claims.escoOccupations)],
  };
}
