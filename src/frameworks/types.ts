/** Multilingual text keyed by BCP 47 language code; `en` and `fr` are always present. */
export type Text = Record<string, string>;

export const BASES = ['official-referencing', 'official-comparison', 'bilateral-agreement', 'indicative'] as const;
export type Basis = (typeof BASES)[number];

export const RELATIONS = ['exact', 'close', 'broader', 'narrower'] as const;
export type Relation = (typeof RELATIONS)[number];

export const STATUSES = ['adopted', 'referenced-to-eqf', 'in-development'] as const;
export type FrameworkStatus = (typeof STATUSES)[number];

export const KINDS = ['meta', 'national', 'language'] as const;
export type FrameworkKind = (typeof KINDS)[number];

export interface Source {
  title: string;
  /** null when only a bibliographic reference is known. */
  url: string | null;
  verified: boolean;
  accessed?: string;
  reference?: string;
}

export interface Descriptors {
  knowledge?: Text;
  skills?: Text;
  autonomy?: Text;
}

export interface TypicalQualification {
  title: Text;
  verified: boolean;
}

export interface Level {
  /** `<frameworkId>:<code>`, e.g. `ma-cnc:5`. */
  ref: string;
  framework: string;
  code: string;
  uri: string;
  title: Text;
  descriptors: Descriptors | null;
  typicalQualifications: TypicalQualification[];
  verified: boolean;
  note?: Text;
}

export interface Framework {
  id: string;
  version: string;
  name: Text;
  acronym: string;
  kind: FrameworkKind;
  country: string | null;
  countryDefault?: boolean;
  languages: string[];
  status: FrameworkStatus;
  date: string;
  statusVerified: boolean;
  statusNote: Text;
  levelUriBase: string;
  descriptorsBasis: string;
  descriptorsNote?: Text;
  sources: Source[];
  levels: Level[];
}

export interface Edge {
  from: string;
  to: string;
  relation: Relation;
  basis: Basis;
  source: Source;
  date: string;
  verified: boolean;
  note?: Text;
  /** `relations` or the id of the agreement that added the edge. */
  origin: string;
  /** For agreement edges: the countries the agreement binds; a path may use the edge only between them. */
  parties?: string[];
}

export interface OccupationEligibility {
  isco08: string;
  title: Text;
  source: Source;
  verified: boolean;
  note?: Text;
}

export interface Agreement {
  id: string;
  title: Text;
  kind: string;
  origin: string[] | 'any';
  destination: string;
  status: string;
  date: string;
  verified: boolean;
  establishesLevelEquivalence: boolean;
  summary: Text;
  occupations: OccupationEligibility[];
  sources: Source[];
}

export interface LanguageMessages {
  recognised: string;
  none: string;
  several: string;
  basis: string;
  path: string;
  sources: string;
  unverified: string;
  bestFit: string;
  agreement: string;
  languageFallback: string;
  basisWords: Record<Basis, string>;
}

export interface Messages {
  languages: string[];
  byLang: Record<string, LanguageMessages>;
}

export interface Registry {
  frameworks: Map<string, Framework>;
  levels: Map<string, Level>;
  levelsByUri: Map<string, Level>;
  edges: Edge[];
  agreements: Agreement[];
  messages: Messages;
}
