import crypto from 'node:crypto';
import { AppError, badRequest, notFound } from '../errors.js';
import { getFramework, getLevel, levelUri, resolveAlignment } from '../frameworks/registry.js';
import { findSkill, getIscoGroup, getOccupation } from '../skills/catalogue.js';
import type { Labels } from '../skills/types.js';
import type { Organisation } from '../db/repositories/organisations.js';
import type { AchievementRecord, AchievementRepository } from '../db/repositories/training.js';
import { localised, textIn, type LocalisedText } from './language.js';

/** Open Badges 3.0 AchievementType values; `ext:` extensions are allowed by the specification. */
export const ACHIEVEMENT_TYPES = [
  'Achievement', 'ApprenticeshipCertificate', 'Assessment', 'Assignment', 'AssociateDegree', 'Award', 'Badge', 'BachelorDegree',
  'Certificate', 'CertificateOfCompletion', 'Certification', 'CommunityService', 'Competency', 'Course', 'CoCurricular', 'Degree',
  'Diploma', 'DoctoralDegree', 'Fieldwork', 'GeneralEducationDevelopment', 'JourneymanCertificate', 'LearningProgram', 'License',
  'Membership', 'ProfessionalDoctorate', 'QualityAssuranceCredential', 'MasterCertificate', 'MasterDegree', 'MicroCredential',
  'ResearchDoctorate', 'SecondarySchoolDiploma',
] as const;

/** Open Badges 3.0 ResultType values. */
export const RESULT_TYPES = [
  'GradePointAverage', 'LetterGrade', 'Percent', 'PerformanceLevel', 'PredictedScore', 'RawScore', 'Result', 'RubricCriterion',
  'RubricCriterionLevel', 'RubricScore', 'ScaledScore', 'Status',
] as const;

/** ELM's volume of learning (an xsd:duration): Open Badges has no term for hours, so the full IRI carries it. */
export const VOLUME_OF_LEARNING = 'http://data.europa.eu/snb/model/elm/volumeOfLearning';

export interface RubricLevelInput { id: string; name: LocalisedText; description?: LocalisedText; level?: string; points?: string }

export interface ResultDescriptionInput {
  id: string;
  name: LocalisedText;
  resultType: string;
  /** For RubricCriterionLevel results: the levels a recipient can reach. */
  rubricLevels?: RubricLevelInput[];
  /** Id of the rubric level needed to pass. */
  requiredLevel?: string;
  allowedValues?: string[];
  valueMin?: string;
  valueMax?: string;
}

/** What a training centre sends to create or update an achievement. */
export interface AchievementInput {
  id?: string;
  /** Default language: every text must have it; it is also the credential's display name language. */
  language: string;
  name: LocalisedText;
  description: LocalisedText;
  criteria: { narrative: LocalisedText };
  achievementType?: string;
  /** Qualification framework levels: {targetFramework, targetCode} or {targetUrl} (EQF: http://data.europa.eu/snb/eqf/N). */
  levels?: Array<{ targetFramework?: string; targetCode?: string; targetUrl?: string }>;
  /** ESCO skill URIs. */
  skills?: string[];
  /** An ESCO occupation (URI or code such as 7112.1) or an ISCO-08 unit group (7112). */
  occupation?: string;
  resultDescriptions?: ResultDescriptionInput[];
  creditsAvailable?: number;
  hours?: number;
  fieldOfStudy?: string;
  tags?: string[];
}

export interface ResolvedLevel { frameworkId: string; framework: string; code: string; uri: string; title: LocalisedText }
export interface ResolvedOccupation {
  esco?: { uri: string; code: string; labels: Labels };
  isco: { code: string; uri: string; labels: Labels };
}

/** The stored form: the input with every reference resolved at the time it was saved. */
export interface AchievementDefinition extends Omit<AchievementInput, 'id' | 'levels' | 'skills' | 'occupation'> {
  levels: ResolvedLevel[];
  skills: Array<{ uri: string; labels: Labels }>;
  occupation?: ResolvedOccupation;
}

export interface Achievement {
  organisationId: string;
  id: string;
  version: number;
  createdAt: string;
  definition: AchievementDefinition;
}

export interface ReferenceProblem { field: string; code: string; problem: string }

export const ACHIEVEMENT_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

export const achievementUrl = (baseUrl: string, organisation: Organisation, id: string) =>
  `${baseUrl}/orgs/${organisation.slug}/achievements/${id}`;

/**
 * Checks what the schema cannot: the default language is present everywhere, levels, skills and the occupation exist in
 * the reference data, rubric references hold together. All problems are reported together.
 */
export function resolveDefinition(input: AchievementInput): AchievementDefinition {
  const problems: ReferenceProblem[] = [];
  const requireLanguage = (field: string, text: LocalisedText | undefined) => {
    if (text && !(input.language in text)) {
      problems.push({ field, code: 'missing-default-language', problem: `${field} has no "${input.language}" text, the achievement's default language; add it` });
    }
  };
  requireLanguage('name', input.name);
  requireLanguage('description', input.description);
  requireLanguage('criteria.narrative', input.criteria.narrative);

  const levels: ResolvedLevel[] = [];
  (input.levels ?? []).forEach((alignment, i) => {
    const level = resolveAlignment(alignment);
    if (!level) {
      const named = [alignment.targetFramework && `targetFramework "${alignment.targetFramework}"`, alignment.targetCode && `targetCode "${alignment.targetCode}"`,
        alignment.targetUrl && `targetUrl "${alignment.targetUrl}"`].filter(Boolean).join(', ') || 'an empty alignment';
      problems.push({ field: `levels[${i}]`, code: 'unknown-framework-level', problem: `${named} names no level of a known framework; GET /frameworks lists them (EQF levels are http://data.europa.eu/snb/eqf/1 to 8)` });
      return;
    }
    const framework = getFramework(level.framework)!;
    levels.push({ frameworkId: framework.id, framework: framework.acronym, code: level.code, uri: level.uri, title: level.title });
  });

  const skills: AchievementDefinition['skills'] = [];
  (input.skills ?? []).forEach((uri, i) => {
    const skill = findSkill(uri);
    if (!skill) problems.push({ field: `skills[${i}]`, code: 'unknown-esco-skill', problem: `"${uri}" is not an ESCO skill this service knows; find skills with GET /skills?q=` });
    else if (!skills.some((s) => s.uri === skill.uri)) skills.push({ uri: skill.uri, labels: skill.labels });
  });

  let occupation: ResolvedOccupation | undefined;
  if (input.occupation !== undefined) {
    const resolved = resolveOccupation(input.occupation);
    if ('problem' in resolved) problems.push(resolved.problem);
    else occupation = resolved;
  }

  (input.resultDescriptions ?? []).forEach((rd, i) => {
    const field = `resultDescriptions[${i}]`;
    requireLanguage(`${field}.name`, rd.name);
    const levelIds = (rd.rubricLevels ?? []).map((l) => l.id);
    if (rd.resultType === 'RubricCriterionLevel' && levelIds.length === 0) {
      problems.push({ field, code: 'missing-rubric-levels', problem: `${field} has resultType RubricCriterionLevel but no rubricLevels; list the levels a recipient can reach` });
    }
    if (new Set(levelIds).size !== levelIds.length) problems.push({ field: `${field}.rubricLevels`, code: 'duplicate-id', problem: 'two rubric levels have the same id; give each its own' });
    if (rd.requiredLevel !== undefined && !levelIds.includes(rd.requiredLevel)) {
      problems.push({ field: `${field}.requiredLevel`, code: 'unknown-rubric-level', problem: `requiredLevel "${rd.requiredLevel}" is not one of the rubric levels (${levelIds.join(', ') || 'none'})` });
    }
    (rd.rubricLevels ?? []).forEach((l, j) => {
      requireLanguage(`${field}.rubricLevels[${j}].name`, l.name);
      requireLanguage(`${field}.rubricLevels[${j}].description`, l.description);
    });
    if (rd.valueMin !== undefined && rd.valueMax !== undefined && Number(rd.valueMin) > Number(rd.valueMax)) {
      problems.push({ field, code: 'invalid-range', problem: `valueMin ${rd.valueMin} is above valueMax ${rd.valueMax}` });
    }
  });
  const resultIds = (input.resultDescriptions ?? []).map((rd) => rd.id);
  if (new Set(resultIds).size !== resultIds.length) problems.push({ field: 'resultDescriptions', code: 'duplicate-id', problem: 'two result descriptions have the same id; give each its own' });

  if (problems.length > 0) {
    throw badRequest('invalid-achievement', `The achievement cannot be saved: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`, { errors: problems });
  }
  const { id: _id, levels: _levels, skills: _skills, occupation: _occupation, ...rest } = input;
  return { ...rest, levels, skills, ...(occupation ? { occupation } : {}) };
}

function resolveOccupation(value: string): ResolvedOccupation | { problem: ReferenceProblem } {
  const trimmed = value.trim();
  const isIscoCode = /^\d{1,4}$/.test(trimmed) || trimmed.startsWith('http://data.europa.eu/esco/isco/');
  try {
    if (isIscoCode) {
      const group = getIscoGroup(trimmed);
      if (group.level !== 'unit') {
        return { problem: { field: 'occupation', code: 'not-an-isco-unit-group', problem: `ISCO-08 group ${group.code} is a ${group.level} group; name a 4-digit unit group such as ${group.children[0] ?? '7112'} (GET /isco/${group.code} lists them)` } };
      }
      return { isco: { code: group.code, uri: group.uri, labels: group.labels } };
    }
    const occupation = getOccupation(trimmed);
    const group = getIscoGroup(occupation.iscoGroup);
    return {
      esco: { uri: occupation.uri, code: occupation.code, labels: occupation.labels },
      isco: { code: group.code, uri: group.uri, labels: group.labels },
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const code = isIscoCode ? 'unknown-isco-group' : 'unknown-esco-occupation';
    return { problem: { field: 'occupation', code, problem: `"${value}" is ${isIscoCode ? 'not an ISCO-08 group' : 'not an ESCO occupation this service knows'}: ${error.detail}` } };
  }
}

export interface AchievementDeps { achievements: AchievementRepository; now: () => Date }

export async function createAchievement(deps: AchievementDeps, organisation: Organisation, input: AchievementInput): Promise<Achievement> {
  const id = input.id ?? crypto.randomUUID();
  if (await deps.achievements.find(organisation.id, id)) {
    throw new AppError('achievement-exists', 409, `Organisation "${organisation.slug}" already has an achievement "${id}"; PUT /orgs/${organisation.slug}/achievements/${id} saves a new version of it`);
  }
  return saveVersion(deps, organisation, id, 1, resolveDefinition(input));
}

/** Updating never changes what was issued: it adds a version, and credentials name the version they embed. */
export async function updateAchievement(deps: AchievementDeps, organisation: Organisation, id: string, input: AchievementInput): Promise<Achievement> {
  const current = await requireAchievement(deps.achievements, organisation, id);
  if (input.id !== undefined && input.id !== id) {
    throw badRequest('achievement-id-mismatch', `The body's id "${input.id}" differs from the URL's "${id}"; omit it or make them equal`);
  }
  return saveVersion(deps, organisation, id, current.version + 1, resolveDefinition(input));
}

async function saveVersion(deps: AchievementDeps, organisation: Organisation, id: string, version: number, definition: AchievementDefinition): Promise<Achievement> {
  const record: AchievementRecord = {
    organisationId: organisation.id, achievementId: id, version, definition: definition as unknown as Record<string, unknown>,
    createdAt: deps.now().toISOString(),
  };
  try {
    await deps.achievements.insertVersion(record);
  } catch (error) {
    // Two updates at once both read version N; the primary key lets only one write N+1.
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new AppError('achievement-version-conflict', 409, `Achievement "${id}" was updated at the same time by someone else; fetch it and try again`);
    }
    throw error;
  }
  return fromRecord(record);
}

export const fromRecord = (record: AchievementRecord): Achievement => ({
  organisationId: record.organisationId, id: record.achievementId, version: record.version, createdAt: record.createdAt,
  definition: record.definition as unknown as AchievementDefinition,
});

export async function requireAchievement(repository: AchievementRepository, organisation: Organisation, id: string, version?: number): Promise<Achievement> {
  const record = await repository.find(organisation.id, id, version);
  if (!record) {
    const which = version === undefined ? `"${id}"` : `"${id}" version ${version}`;
    throw notFound('unknown-achievement', `Organisation "${organisation.slug}" has no achievement ${which}; GET /orgs/${organisation.slug}/achievements lists them`);
  }
  return fromRecord(record);
}

type JsonObject = Record<string, unknown>;

const labelsAsText = (labels: Labels): LocalisedText =>
  Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

export const resultDescriptionUri = (url: string, resultId: string) => `${url}#result-${resultId}`;
export const rubricLevelUri = (url: string, resultId: string, levelId: string) => `${url}#result-${resultId}-level-${levelId}`;

/** The level's URI as this service serves it now; definitions saved before minted URIs moved kept the old one. */
function currentLevelUri(level: ResolvedLevel, baseUrl: string): string {
  const known = getLevel(`${level.frameworkId}:${level.code}`);
  return known ? levelUri(known, baseUrl) : level.uri;
}

/**
 * The Open Badges 3.0 Achievement, as published at its URL and embedded in credentials. Texts in several languages are
 * JSON-LD language-tagged values (the default language first); a text in one language is a plain string.
 */
export function openBadgeAchievement(achievement: Achievement, organisation: Organisation, baseUrl: string): JsonObject {
  const d = achievement.definition;
  const url = achievementUrl(baseUrl, organisation, achievement.id);
  const text = (value: LocalisedText) => localised(value, d.language);
  const alignment: JsonObject[] = [
    ...d.levels.map((level) => ({
      type: ['Alignment'], targetName: textIn(level.title, d.language), targetUrl: currentLevelUri(level, baseUrl), targetFramework: level.framework, targetCode: level.code,
    })),
    ...d.skills.map((skill) => ({
      type: ['Alignment'], targetType: 'ceasn:Competency', targetFramework: 'ESCO', targetName: textIn(labelsAsText(skill.labels), d.language), targetUrl: skill.uri,
    })),
    ...(d.occupation?.esco ? [{
      type: ['Alignment'], targetFramework: 'ESCO', targetCode: d.occupation.esco.code, targetName: textIn(labelsAsText(d.occupation.esco.labels), d.language), targetUrl: d.occupation.esco.uri,
    }] : []),
    ...(d.occupation ? [{
      type: ['Alignment'], targetFramework: 'ISCO-08', targetCode: d.occupation.isco.code, targetName: textIn(labelsAsText(d.occupation.isco.labels), d.language), targetUrl: d.occupation.isco.uri,
    }] : []),
  ];
  const result: JsonObject = {
    id: url,
    type: ['Achievement'],
    ...(d.achievementType ? { achievementType: d.achievementType } : {}),
    name: text(d.name),
    description: text(d.description),
    criteria: { narrative: text(d.criteria.narrative) },
    creator: { id: organisation.did, type: ['Profile'], name: localised(organisation.name, d.language) },
    inLanguage: d.language,
    version: String(achievement.version),
    ...(alignment.length > 0 ? { alignment } : {}),
  };
  if (d.resultDescriptions?.length) {
    result.resultDescription = d.resultDescriptions.map((rd) => ({
      id: resultDescriptionUri(url, rd.id),
      type: ['ResultDescription'],
      name: text(rd.name),
      resultType: rd.resultType,
      ...(rd.rubricLevels?.length ? {
        rubricCriterionLevel: rd.rubricLevels.map((level) => ({
          id: rubricLevelUri(url, rd.id, level.id),
          type: ['RubricCriterionLevel'],
          name: text(level.name),
          ...(level.description ? { description: text(level.description) } : {}),
          ...(level.level !== undefined ? { level: level.level } : {}),
          ...(level.points !== undefined ? { points: level.points } : {}),
        })),
      } : {}),
      ...(rd.requiredLevel ? { requiredLevel: rubricLevelUri(url, rd.id, rd.requiredLevel) } : {}),
      ...(rd.allowedValues?.length ? { allowedValue: rd.allowedValues } : {}),
      ...(rd.valueMin !== undefined ? { valueMin: rd.valueMin } : {}),
      ...(rd.valueMax !== undefined ? { valueMax: rd.valueMax } : {}),
    }));
  }
  if (d.creditsAvailable !== undefined) result.creditsAvailable = d.creditsAvailable;
  if (d.fieldOfStudy) result.fieldOfStudy = d.fieldOfStudy;
  if (d.tags?.length) result.tag = d.tags;
  if (d.hours !== undefined) {
    result[VOLUME_OF_LEARNING] = { '@value': `PT${d.hours}H`, '@type': 'http://www.w3.org/2001/XMLSchema#duration' };
  }
  return result;
}

/** The catalogue entry with its management data, for the organisation's own listing. */
export function achievementSummary(achievement: Achievement, organisation: Organisation, baseUrl: string) {
  const d = achievement.definition;
  return {
    id: achievement.id, version: achievement.version, url: achievementUrl(baseUrl, organisation, achievement.id),
    name: d.name, language: d.language, achievementType: d.achievementType ?? null, updatedAt: achievement.createdAt,
  };
}
