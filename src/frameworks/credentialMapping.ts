/**
 * What a credential says about levels, skills and occupations (its Open Badges 3.0 alignments), checked against the
 * reference data, and what its level corresponds to in another framework.
 */
import { AppError, badRequest, notFound } from '../errors.js';
import { findSkill, getIscoGroup, getOccupation, labelIn, type IscoGroup } from '../skills/catalogue.js';
import type { Lang } from '../skills/types.js';
import { LANGUAGES } from '../skills/types.js';
import { frameworkForCountry, getFramework, isLevelUriOfKnownFramework, listFrameworks, requireFramework, resolveAlignment } from './registry.js';
import { BASIS_STRENGTH, recognise, type Recognition } from './recognition.js';
import type { Framework, Level } from './types.js';

type JsonObject = Record<string, unknown>;

export interface Alignment { targetName?: string; targetUrl?: string; targetCode?: string; targetFramework?: string; targetType?: string }

export interface CredentialMapping {
  levels: Array<{ ref: string; framework: string; code: string; title: string; uri: string }>;
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
  const mapping: CredentialMapping = { levels: [], skills: [], occupations: [], unmapped: [] };
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
  if (url.startsWith(ESCO_SKILL)) {
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

export interface CredentialRecognition {
  from: { ref: string; title: string };
  destination: { framework: string; title: string };
  outcome: Recognition['outcome'] | 'stated-by-issuer';
  levels: Array<{ ref: string; title: string }>;
  /** Level refs along the chosen path, e.g. ["ma-cnc:4", "eqf:4", "es-mecu:4"]. */
  path: string[];
  paths: Recognition['paths'];
  basis: Recognition['basis'];
  verified: Recognition['verified'];
  explanation: string;
  skills: CredentialMapping['skills'];
  occupations: CredentialMapping['occupations'];
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

/**
 * What the credential's level corresponds to in the destination framework, with path, basis and explanation, and the
 * skills and occupations it names. Null when the credential states no level of a known framework.
 */
export function recognitionForCredential(credential: JsonObject, target: RecognitionTarget): CredentialRecognition | null {
  const lang = target.lang ?? 'en';
  const destination = destinationFramework(target);
  const mapping = mappingOfCredential(credential, lang, { strict: false });
  if (mapping.levels.length === 0) return null;
  const titleOf = (f: Framework) => f.name[lang] ?? f.name.en ?? f.acronym;
  const common = { destination: { framework: destination.id, title: titleOf(destination) }, skills: mapping.skills, occupations: mapping.occupations };
  const stated = mapping.levels.find((l) => l.framework === destination.id);
  if (stated) {
    return {
      ...common, from: { ref: stated.ref, title: stated.title }, outcome: 'stated-by-issuer', levels: [{ ref: stated.ref, title: stated.title }],
      path: [stated.ref], paths: [], basis: null, verified: null,
      explanation: statedExplanation(lang, getFramework(destination.id)!.acronym, stated.code),
    };
  }
  // Several stated levels (say MA-CNC 4 and EQF 4): keep the one whose recognition rests on the strongest basis,
  // and, on equal footing, the national level the issuer knows best (listed first).
  const candidates = mapping.levels.map((level) => ({ level, result: recognise({ from: level.ref, to: destination.id, lang }) }));
  const best = candidates.reduce((a, b) => (rank(b.result) > rank(a.result) ? b : a));
  const chosen = best.result.paths[0];
  return {
    ...common,
    from: { ref: best.level.ref, title: best.level.title },
    outcome: best.result.outcome,
    levels: best.result.levels.map(({ ref, title }) => ({ ref, title })),
    path: chosen ? [chosen.steps[0]!.from, ...chosen.steps.map((s) => s.to)] : [],
    paths: best.result.paths,
    basis: best.result.basis,
    verified: best.result.verified,
    explanation: best.result.explanation,
  };
}

const rank = (r: Recognition) => (r.outcome === 'recognised' && r.basis ? 10 + BASIS_STRENGTH[r.basis] : 0);

const STATED: Record<string, (framework: string, code: string) => string> = {
  en: (f, c) => `The issuer itself states ${f} level ${c}: no conversion was needed.`,
  fr: (f, c) => `L'émetteur indique lui-même le niveau ${c} du ${f} : aucune correspondance n'a été nécessaire.`,
  es: (f, c) => `El propio emisor indica el nivel ${c} del ${f}: no hizo falta ninguna correspondencia.`,
  ar: (f, c) => `تذكر الجهة المُصدِرة نفسها المستوى ${c} من ${f}: لم تكن هناك حاجة إلى أي مطابقة.`,
};

function statedExplanation(lang: string, framework: string, code: string): string {
  return (STATED[lang] ?? STATED.en!)(framework, code);
}

