import { badRequest } from '../errors.js';
import { findSkill, getOccupation, labelIn, parseLang } from './catalogue.js';
import type { Lang } from './types.js';

export interface GapSkill {
  uri: string;
  label: string;
}

export interface SkillGroupGap {
  covered: GapSkill[];
  missing: GapSkill[];
  /**
   * English labels of skills ESCO links to the occupation but whose URI the shipped data lacks
   * (see data/esco/README.md): they can be neither confirmed nor ruled out, so they count in no ratio.
   */
  notAssessed: string[];
}

export interface SkillsGap {
  occupation: { uri: string; code: string; label: string };
  essential: SkillGroupGap;
  optional: SkillGroupGap;
  /** covered / (covered + missing); null when the occupation has no assessable skills of that kind. */
  coverage: { essential: number | null; optional: number | null };
  /** Held skills that are not in the catalogue, as given. */
  unknownSkills: string[];
}

export interface SkillsGapParams {
  /** ESCO skill URIs the person holds, e.g. collected from one or more credentials. */
  heldSkills: string[];
  /** ESCO occupation URI or ESCO code (e.g. 7112.1). */
  occupation: string;
  lang?: Lang;
}

/** Which essential and optional skills of a target ESCO occupation the held skills cover, and which are missing. */
export function skillsGap({ heldSkills, occupation: uriOrCode, lang: requestedLang }: SkillsGapParams): SkillsGap {
  if (!Array.isArray(heldSkills) || !heldSkills.every((uri) => typeof uri === 'string')) {
    throw badRequest('invalid-skills', 'heldSkills must be an array of ESCO skill URIs.');
  }
  if (typeof uriOrCode !== 'string') throw badRequest('invalid-occupation', 'occupation must be an ESCO URI or code.');
  const lang = parseLang(requestedLang) ?? 'en';
  const occupation = getOccupation(uriOrCode);

  const held = new Set<string>();
  const unknownSkills: string[] = [];
  for (const given of new Set(heldSkills)) {
    const skill = findSkill(given);
    if (skill) held.add(skill.uri);
    else unknownSkills.push(given);
  }

  const compare = (uris: string[], unmapped: string[]): SkillGroupGap => {
    const gap: SkillGroupGap = { covered: [], missing: [], notAssessed: unmapped };
    for (const uri of uris) {
      // Every linked URI is in skills.json: the build script refuses dangling links.
      const entry = { uri, label: labelIn(findSkill(uri)!.labels, lang) };
      (held.has(uri) ? gap.covered : gap.missing).push(entry);
    }
    return gap;
  };
  const essential = compare(occupation.essentialSkills, occupation.unmappedEssentialSkills);
  const optional = compare(occupation.optionalSkills, occupation.unmappedOptionalSkills);

  return {
    occupation: { uri: occupation.uri, code: occupation.code, label: labelIn(occupation.labels, lang) },
    essential,
    optional,
    coverage: { essential: ratio(essential), optional: ratio(optional) },
    unknownSkills,
  };
}

function ratio({ covered, missing }: SkillGroupGap): number | null {
  const assessable = covered.length + missing.length;
  return assessable === 0 ? null : covered.length / assessable;
}
