/**
 * What a credential says about levels, skills and occupations (its Open Badges 3.0 alignments), checked against the
 * reference data, and what its level corresponds to in another framework.
 */
import { AppError, badRequest, notFound } from '../errors.js';
import { findSkill, getIscoGroup, getOccupation, labelIn, type IscoGroup } from '../skills/catalogue.js';
import type { Lang } from '../skills/types.js';
import { LANGUAGES } from '../skills/types.js';
import { frameworkForCountry, isLevelUriOfKnownFramework, listFrameworks, registry, requireFramework, resolveAlignment } from './registry.js';
import { CREDENTIAL_NODE, recognise, type IssuerClaim } from './recognition.js';
import type { Framework, Level, QualificationType, Recognition } from './types.js';

type JsonObject = Record<string, unknown>;

export interface Alignment { targetName?: string; targetUrl?: string; targetCode?: string; targetFramework?: string; targetType?: string }

export interface CredentialMapping {
  levels: Array<{ ref: string; framework: string; code: string; title: string; uri: string }>;
  /** Named qualification types (see data/frameworks/README.md, "Naming a qualification type in a credential"). */
  qualificationTypes: Array<{ id: string; originalName: string; title: string }>;
  skills: Array<{ uri: string; label: string }>;
  occupations: Array<{ code: string; uri?: string; label: string }>;
  /** Alignments to frameworks this service does not know: kept in the credential, not interpreted. */
  unmapped: Alignment[];
}

const ESCO_SKILL = 'http://data.europa.eu/esco/skill/';
const ESCO_OCCUPATION = 'http://data.europa.eu/esco/occupation/';
const ESCO_ISCO = 'http://data.europa.eu/esco/isco/C';
const EQF_URI = 'http://data.europa.eu/snb/eqf/';

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Every alignment of every achievement in the credential's subjects. */
export function alignmentsOf(credential: JsonObject): Alignment[] {
  return asArray(credential.credentialSubject).filter(isObject)
    .flatMap((subject) => asArray(subject.achievement).filter(isObject))
    .flatMap((achievement) => asArray(achievement.alignment).filter(isObject))
    .map((a) => ({
      targetName: text(a.targetName), targetUrl: text(a.targetUrl), targetCode: text(a.targetCode),
      targetFramework: text(a.targetFramework), targetType: text(a.targetType),
    }));
}

const describe = (a: Alignment) =>
  [a.targetFramework && `targetFramework "${a.targetFramework}"`, a.targetCode && `targetCode "${a.targetCode}"`, a.targetUrl && `targetUrl "${a.targetUrl}"`]
    .filter(Boolean).join(', ');

const isIscoAlignment = (a: Alignment) => /^isco/i.test(a.targetFramework ?? '') || (a.targetUrl ?? '').startsWith(ESCO_ISCO);

/** The framework name under which an alignment names a qualification type (Open Badges targetType ceterms:Credential). */
export const QUALIFICATION_TYPES_FRAMEWORK = 'Passerelle qualification types';
const TYPE_URL = /\/qualification-types\/([a-z0-9-]+)\/?$/;

/** The type id an alignment names: targetFramework "Passerelle qualification types" + targetCode, or a .../qualification-types/<id> targetUrl. */
function qualificationTypeIdOf(a: Alignment): string | undefined {
  if ((a.targetFramework ?? '').trim().toLowerCase() === QUALIFICATION_TYPES_FRAMEWORK.toLowerCase()) return a.targetCode ?? TYPE_URL.exec(a.targetUrl ?? '')?.[1] ?? '';
  return TYPE_URL.exec(a.targetUrl ?? '')?.[1];
}

function knownFrameworkNamed(name: string | undefined): Framework | undefined {
  if (!name) return undefined;
  const n = name.trim().toLowerCase();
  return listFrameworks().find((f) => f.id === n || f.acronym.toLowerCase() === n || Object.values(f.name).some((v) => v.toLowerCase() === n));
}

/** The level an alignment points at; throws when it claims a known framework but names no level of it. */
function levelOf(a: Alignment): Level | null {
  const level = resolveAlignment(a);
  if (level) return level;
  const framework = knownFrameworkNamed(a.targetFramework);
  const pointsAtLevelUri = (a.targetUrl ?? '').startsWith(EQF_URI) || isLevelUriOfKnownFramework(a.targetUrl ?? '');
  if (framework || pointsAtLevelUri) {
    const known = framework ? ` (${framework.acronym} has levels ${framework.levels.map((l) => l.code).join(', ')})` : '';
    throw badRequest('unknown-framework-level', `The alignment ${describe(a)} names no level of a known framework${known}; GET /frameworks lists them`, { alignment: a });
  }
  return null;
}

function iscoGroupOf(a: Alignment): IscoGroup {
  const code = a.targetCode ?? (a.targetUrl ?? '').slice(ESCO_ISCO.length);
  try {
    return getIscoGroup(code);
  } catch (error) {
    if (error instanceof AppError) throw badRequest('unknown-isco-group', `The alignment ${describe(a)} names no ISCO-08 group; use a code such as 7112 (GET /isco/<code>)`, { alignment: a });
    throw error;
  }
}

/**
 * Reads and checks the credential's alignments: framework levels, ESCO skills and occupations, ISCO groups.
 * An unknown level, skill URI or occupation is a 400 that names it; alignments to frameworks we do not hold are kept
 * as `unmapped`, never guessed.
 */
export function mappingOfCredential(credential: JsonObject, lang: string = 'en', { strict = true } = {}): CredentialMapping {
  const labelLang: Lang = (LANGUAGES as readonly string[]).includes(lang) ? (lang as Lang) : 'en';
  const mapping: CredentialMapping = { levels: [], qualificationTypes: [], skills: [], occupations: [], unmapped: [] };
  for (const a of alignmentsOf(credential)) {
    try {
      mapAlignment(a, mapping, lang, labelLang);
    } catch (error) {
      // Issuance refuses what the data contradicts; verification reports it as unmapped and carries on.
      if (strict || !(error instanceof AppError)) throw error;
      mapping.unmapped.push(a);
    }
  }
  return mapping;
}

function mapAlignment(a: Alignment, mapping: CredentialMapping, lang: string, labelLang: Lang): void {
  const url = a.targetUrl ?? '';
  const typeId = qualificationTypeIdOf(a);
  if (typeId !== undefined) {
    const type: QualificationType | undefined = registry().qualificationTypes.get(typeId);
    if (!type) throw badRequest('unknown-qualification-type', `The alignment ${describe(a)} names no qualification type this service knows; GET /qualification-types lists them`, { alignment: a });
    mapping.qualificationTypes.push({ id: type.id, originalName: type.originalName, title: type.title[lang] ?? type.title.en! });
  } else if (url.startsWith(ESCO_SKILL)) {
    const skill = findSkill(url);
    if (!skill) throw badRequest('unknown-esco-skill', `The alignment targetUrl "${url}" is not an ESCO skill this service knows; find skills with GET /skills?q=`, { alignment: a });
    mapping.skills.push({ uri: skill.uri, label: labelIn(skill.labels, labelLang) });
  } else if (url.startsWith(ESCO_OCCUPATION)) {
    let occupation;
    try {
      occupation = getOccupation(url);
    } catch {
      throw badRequest('unknown-esco-occupation', `The alignment targetUrl "${url}" is not an ESCO occupation this service knows; find occupations with GET /occupations?q=`, { alignment: a });
    }
    mapping.occupations.push({ code: occupation.code, uri: occupation.uri, label: labelIn(occupation.labels, labelLang) });
  } else if (isIscoAlignment(a)) {
    const group = iscoGroupOf(a);
    mapping.occupations.push({ code: group.code, uri: group.uri, label: labelIn(group.labels, labelLang) });
  } else {
    const level = levelOf(a);
    if (level) mapping.levels.push({ ref: level.ref, framework: level.framework, code: level.code, title: level.title[lang] ?? level.title.en ?? level.code, uri: level.uri });
    else mapping.unmapped.push(a);
  }
}

/** Issuance check: throws a 400 naming the first alignment that the reference data contradicts. */
export function validateCredentialMapping(credential: JsonObject): void {
  mappingOfCredential(credential);
}

export interface RecognitionTarget { framework?: string; country?: string; lang?: string }

/** What the credential's stated levels or named qualification type correspond to, with its skills and occupations. */
export type CredentialRecognition = Omit<Recognition, 'from'> & {
  /** Where the chosen path starts: the level the issuer states, or the named qualification type. */
  from: { ref: string; title: string };
  /** Refs along the chosen path, e.g. ["ma-cnc:4", "eqf:4", "es-mecu:4"]. */
  path: string[];
  skills: CredentialMapping['skills'];
  occupations: CredentialMapping['occupations'];
};

/** An accreditation of the issuer by a recognition authority, as the trust check reports it. */
export interface ClaimAccreditation {
  authority: { id: string; name: Record<string, string> };
  scope: { type: string; value: string };
}

/** The framework to recognise in: named (`framework`), or the country's own (`country`; Spain: MECU). Exactly one. */
export function destinationFramework(target: RecognitionTarget): Framework {
  if ((target.framework === undefined) === (target.country === undefined)) {
    throw badRequest('missing-recognition-target', 'Give exactly one of framework (an id such as es-mecu) or country (ISO 3166-1 alpha-2, such as ES)');
  }
  if (target.framework !== undefined) return requireFramework(target.framework);
  const framework = frameworkForCountry(target.country!.toUpperCase());
  if (!framework) {
    const countries = [...new Set(listFrameworks().flatMap((f) => (f.country ? [f.country] : [])))].join(', ');
    throw notFound('unknown-country', `No qualification framework is known for country "${target.country}"; known countries: ${countries}`);
  }
  return framework;
}

const achievementName = (credential: JsonObject): string | undefined => asArray(credential.credentialSubject).filter(isObject)
  .flatMap((subject) => asArray(subject.achievement).filter(isObject))
  .map((achievement) => text(achievement.name)).find((name) => name !== undefined);

/**
 * What the credential corresponds to in the destination framework. Each level the credential states is the issuer's
 * claim: it enters the path as `issuer-claimed`, or `accredited-claim` when one of `accreditations` (those the trust
 * check found in force for this credential) covers that level or its framework. A named qualification type adds its
 * published placements. Null when the credential names neither a known level nor a qualification type.
 */
export function recognitionForCredential(credential: JsonObject, target: RecognitionTarget, accreditations: ClaimAccreditation[] = []): CredentialRecognition | null {
  const lang = target.lang ?? 'en';
  const destination = destinationFramework(target);
  const mapping = mappingOfCredential(credential, lang, { strict: false });
  if (mapping.levels.length === 0 && mapping.qualificationTypes.length === 0) return null;
  const claims: IssuerClaim[] = mapping.levels.map((level) => {
    const covering = accreditations.find((a) => (a.scope.type === 'level' && a.scope.value === level.ref) || (a.scope.type === 'framework' && a.scope.value === level.framework));
    return covering
      ? { level: level.ref, accreditedBy: { id: covering.authority.id, name: covering.authority.name[lang] ?? covering.authority.name.en ?? Object.values(covering.authority.name)[0] ?? covering.authority.id } }
      : { level: level.ref };
  });
  const result = recognise({
    claims, to: destination.id, lang,
    ...(mapping.qualificationTypes[0] ? { qualificationType: mapping.qualificationTypes[0].id } : {}),
    occupations: mapping.occupations.flatMap((o) => (o.uri?.startsWith(ESCO_OCCUPATION) ? [o.uri] : [])),
    ...(achievementName(credential) ? { credentialLabel: achievementName(credential)! } : {}),
  });
  const chosen = result.paths[0]?.steps;
  const refs = chosen ? [chosen[0]!.from, ...chosen.map((s) => s.to)].filter((ref) => ref !== CREDENTIAL_NODE) : [];
  const start = refs[0];
  const type = mapping.qualificationTypes[0];
  const from = start && !start.startsWith('qualification-type:')
    ? { ref: start, title: mapping.levels.find((l) => l.ref === start)?.title ?? start }
    : type ? { ref: `qualification-type:${type.id}`, title: type.originalName } : { ref: mapping.levels[0]!.ref, title: mapping.levels[0]!.title };
  return { ...result, from, path: refs, skills: mapping.skills, occupations: mapping.occupations };
}
