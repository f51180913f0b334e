/**
 * ISCO-08 groups and the ESCO occupations and skills subset shipped in data/isco and data/esco.
 * This service uses the ESCO classification of the European Commission. ISCO-08 (c) International Labour Organization.
 */
import { readFileSync } from 'node:fs';
import { badRequest, notFound } from '../errors.js';
import { LabelIndex, type LabelMatch } from './search-index.js';
import {
  LANGUAGES,
  type IscoGroupRecord,
  type Labels,
  type Lang,
  type OccupationRecord,
  type ReuseLevel,
  type SkillRecord,
  type SkillType,
} from './types.js';

const ESCO_SKILL_PREFIX = 'http://data.europa.eu/esco/skill/';
const ISCO_GROUP_PREFIX = 'http://data.europa.eu/esco/isco/C';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

interface Catalogue {
  iscoGroups: IscoGroupRecord[];
  iscoByCode: Map<string, IscoGroupRecord>;
  occupations: OccupationRecord[];
  occupationsByKey: Map<string, OccupationRecord>;
  skills: SkillRecord[];
  skillsByUri: Map<string, SkillRecord>;
}

interface SearchIndexes {
  occupationIndex: LabelIndex;
  skillIndex: LabelIndex;
}

let cached: Catalogue | undefined;
let cachedIndexes: SearchIndexes | undefined;

const readData = <T>(path: string): T => JSON.parse(readFileSync(new URL(`../../data/${path}`, import.meta.url), 'utf8')) as T;

function indexLabels(concepts: Array<Pick<SkillRecord, 'labels' | 'altLabels'>>): LabelIndex {
  const index = new LabelIndex();
  concepts.forEach((concept, position) => {
    for (const lang of LANGUAGES) {
      const preferred = concept.labels[lang];
      if (preferred) index.add(position, lang, preferred, true);
      for (const alt of concept.altLabels[lang] ?? []) index.add(position, lang, alt, false);
    }
  });
  return index;
}

/** Loaded on first use and kept: the files are static for the life of the process. */
function catalogue(): Catalogue {
  if (cached) return cached;
  const iscoGroups = readData<IscoGroupRecord[]>('isco/isco08.json');
  const occupations = readData<OccupationRecord[]>('esco/occupations.json');
  const skills = readData<SkillRecord[]>('esco/skills.json');
  cached = {
    iscoGroups,
    iscoByCode: new Map(iscoGroups.map((group) => [group.code, group])),
    occupations,
    occupationsByKey: new Map(occupations.flatMap((o) => [[o.uri, o] as const, [o.code, o] as const])),
    skills,
    skillsByUri: new Map(skills.map((skill) => [skill.uri, skill])),
  };
  return cached;
}

/**
 * The label search indexes, built at the first search: they weigh more than the records, which issuing and verifying
 * look up by code or URI in every process (each cluster worker has its own heap).
 */
function searchIndexes(): SearchIndexes {
  if (cachedIndexes) return cachedIndexes;
  const { occupations, skills } = catalogue();
  cachedIndexes = { occupationIndex: indexLabels(occupations), skillIndex: indexLabels(skills) };
  return cachedIndexes;
}

/** The label in the requested language, English when ESCO has no translation. */
export const labelIn = (labels: Labels, lang: Lang = 'en'): string => labels[lang] ?? labels.en;

export function parseLang(lang: unknown): Lang | undefined {
  if (lang === undefined) return undefined;
  if (typeof lang === 'string' && (LANGUAGES as readonly string[]).includes(lang)) return lang as Lang;
  throw badRequest('unsupported-language', `lang must be one of ${LANGUAGES.join(', ')}.`);
}

export interface SearchParams {
  q: string;
  lang?: Lang;
  limit?: number;
}

export interface SearchHit {
  uri: string;
  /** Preferred label in the requested language (English fallback). */
  label: string;
  score: number;
  /** The label (preferred or synonym, any language) that matched the query. */
  matched: LabelMatch['matched'];
}

export interface OccupationHit extends SearchHit {
  code: string;
  iscoGroup: string;
}

export interface SkillHit extends SearchHit {
  skillType: SkillType;
  reuseLevel: ReuseLevel;
}

function checkSearch({ q, lang, limit = DEFAULT_LIMIT }: SearchParams): { q: string; lang: Lang | undefined; limit: number } {
  if (typeof q !== 'string' || q.trim() === '') throw badRequest('invalid-query', 'q must be a non-empty search text.');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badRequest('invalid-limit', `limit must be an integer between 1 and ${MAX_LIMIT}.`);
  }
  return { q, lang: parseLang(lang), limit };
}

/** Occupations whose labels (en/fr/es, synonyms included) match q, best first; accents and case are ignored. */
export function searchOccupations(params: SearchParams): OccupationHit[] {
  const { q, lang, limit } = checkSearch(params);
  const { occupations } = catalogue();
  const { occupationIndex } = searchIndexes();
  return occupationIndex.search(q, lang, limit).map(({ owner, score, matched }) => {
    const occupation = occupations[owner]!;
    return {
      uri: occupation.uri,
      code: occupation.code,
      iscoGroup: occupation.iscoGroup,
      label: labelIn(occupation.labels, lang),
      score,
      matched,
    };
  });
}

/** Skills whose labels (en/fr/es, synonyms included) match q, best first; accents and case are ignored. */
export function searchSkills(params: SearchParams): SkillHit[] {
  const { q, lang, limit } = checkSearch(params);
  const { skills } = catalogue();
  const { skillIndex } = searchIndexes();
  return skillIndex.search(q, lang, limit).map(({ owner, score, matched }) => {
    const skill = skills[owner]!;
    return {
      uri: skill.uri,
      label: labelIn(skill.labels, lang),
      skillType: skill.skillType,
      reuseLevel: skill.reuseLevel,
      score,
      matched,
    };
  });
}

/** Accepts the full ESCO URI or its last segment (the UUID). Undefined when the subset does not hold it. */
export function findSkill(uriOrId: string): SkillRecord | undefined {
  const uri = uriOrId.startsWith(ESCO_SKILL_PREFIX) ? uriOrId : `${ESCO_SKILL_PREFIX}${uriOrId}`;
  return catalogue().skillsByUri.get(uri);
}

export function getSkill(uriOrId: string): SkillRecord {
  const skill = findSkill(uriOrId);
  if (!skill) {
    throw notFound(
      'unknown-skill',
      `No ESCO skill ${uriOrId} in this catalogue (it holds the skills of its construction, agriculture, ICT, ` +
        'hospitality and care occupations). Search skills by label to find the URI.',
    );
  }
  return skill;
}

/** By ESCO URI or ESCO code (e.g. 7112.1). */
export function getOccupation(uriOrCode: string): OccupationRecord {
  const occupation = catalogue().occupationsByKey.get(uriOrCode.trim());
  if (occupation) return occupation;
  const hint = /^\d{1,4}$/.test(uriOrCode.trim())
    ? `${uriOrCode} is an ISCO-08 group code: look it up as an ISCO group to list its ESCO occupations.`
    : 'Give an ESCO occupation URI or ESCO code (e.g. 7112.1), or search occupations by label.';
  throw notFound('unknown-occupation', `No ESCO occupation ${uriOrCode} in this catalogue. ${hint}`);
}

export interface OccupationSummary {
  uri: string;
  code: string;
  labels: Labels;
}

export interface IscoGroup extends IscoGroupRecord {
  /** Codes of the groups one level down. */
  children: string[];
  /** ESCO occupations of this catalogue that fall under the group (only the shipped sectors). */
  occupations: OccupationSummary[];
}

/** Any level: major (7), sub-major (71), minor (711) or unit group (7112); also accepts the ESCO ISCO URI. */
export function getIscoGroup(codeOrUri: string): IscoGroup {
  const code = codeOrUri.trim().replace(ISCO_GROUP_PREFIX, '');
  const { iscoGroups, iscoByCode, occupations } = catalogue();
  const group = iscoByCode.get(code);
  if (!group) {
    throw notFound(
      'unknown-isco-group',
      `No ISCO-08 group ${codeOrUri}. Codes have 1 to 4 digits (e.g. 7, 71, 711, 7112).`,
    );
  }
  return {
    ...group,
    children: iscoGroups.filter((candidate) => candidate.parent === code).map((child) => child.code),
    occupations: occupations
      .filter((occupation) => occupation.iscoGroup.startsWith(code))
      .map(({ uri, code: escoCode, labels }) => ({ uri, code: escoCode, labels })),
  };
}

/** All 619 groups, in code order (major groups before their descendants). */
export const listIscoGroups = (): readonly IscoGroupRecord[] => catalogue().iscoGroups;

/** All ESCO occupations of the shipped subset, in file order. */
export const listOccupations = (): readonly OccupationRecord[] => catalogue().occupations;
