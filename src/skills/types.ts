/** Shapes of the committed data files in data/isco and data/esco (written by scripts/build-skills-data.ts). */

export const LANGUAGES = ['en', 'fr', 'es'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** English is always present; French/Spanish come from ESCO v1.0 and are null for concepts added later. */
export interface Labels {
  en: string;
  fr: string | null;
  es: string | null;
}

/** Synonyms per language; a language is absent when the source has none. */
export type AltLabels = Partial<Record<Lang, string[]>>;

export type IscoLevel = 'major' | 'sub-major' | 'minor' | 'unit';

export interface IscoGroupRecord {
  code: string;
  level: IscoLevel;
  parent: string | null;
  uri: string;
  labels: Labels;
}

export type Sector = 'construction' | 'agriculture_seasonal' | 'ict' | 'hospitality' | 'care';

export interface OccupationRecord {
  uri: string;
  /** ESCO code, e.g. 7112.1 (ISCO unit group + ESCO suffix). */
  code: string;
  iscoGroup: string;
  sector: Sector;
  labels: Labels;
  altLabels: AltLabels;
  essentialSkills: string[];
  optionalSkills: string[];
  /** English labels of linked skills whose URI could not be recovered from the available ESCO exports. */
  unmappedEssentialSkills: string[];
  unmappedOptionalSkills: string[];
}

export type SkillType = 'skill/competence' | 'knowledge';
export type ReuseLevel = 'transversal' | 'cross-sector' | 'sector-specific' | 'occupation-specific';

export interface SkillRecord {
  uri: string;
  labels: Labels;
  altLabels: AltLabels;
  skillType: SkillType;
  reuseLevel: ReuseLevel;
}
