/** The ESCO skills a credential certifies: its achievements' alignments to ESCO skill URIs (Open Badges 3.0). */
type JsonObject = Record<string, unknown>;

const ESCO_SKILL = 'http://data.europa.eu/esco/skill/';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export function heldSkillsOf(credential: JsonObject | undefined): string[] {
  if (!credential) return [];
  const uris = asArray(credential.credentialSubject).filter(isObject)
    .flatMap((subject) => asArray(subject.achievement).filter(isObject))
    .flatMap((achievement) => asArray(achievement.alignment).filter(isObject))
    .map((alignment) => alignment.targetUrl)
    .filter((url): url is string => typeof url === 'string' && url.startsWith(ESCO_SKILL));
  return [...new Set(uris)];
}
