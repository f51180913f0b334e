/** Multilingual text keyed by BCP 47 language code; `en` and `fr` are always present. */
export type Text = Record<string, string>;

/**
 * What a step of a recognition rests on, strongest first (see `BASIS_STRENGTH` in recognition.ts):
 * - `official-referencing`: a country's EQF referencing, adopted and published;
 * - `official-comparison`: an adopted comparison report (none for the corridors' non-EU frameworks);
 * - `bilateral-agreement`: an agreement between the countries that establishes level equivalence;
 * - `credential-evaluation-body`: a published placement of a named qualification type by a credential evaluation
 *   body (an ENIC-NARIC centre such as Nuffic); it binds that body only;
 * - `accredited-claim`: the issuer's own statement, covered by an accreditation from a recognition authority;
 * - `indicative`: a correspondence documented only indirectly (e.g. an unadopted self-certification), not for legal use;
 * - `issuer-claimed`: the issuer's own statement in the credential, confirmed by nobody; weaker than every published basis.
 */
export const BASES = [
  'official-referencing', 'official-comparison', 'bilateral-agreement', 'credential-evaluation-body',
  'accredited-claim', 'indicative', 'issuer-claimed',
] as const;
export type Basis = (typeof BASES)[number];

/** Bases a stored edge may have; the two claim bases only arise from a credential at recognition time. */
export const EDGE_BASES = ['official-referencing', 'official-comparison', 'bilateral-agreement', 'indicative'] as const;
export type EdgeBasis = (typeof EDGE_BASES)[number];

/**
 * The answer's verdict, from the weakest step of the chosen path:
 * - `official`: every step is an adopted act (referencing, comparison, bilateral agreement);
 * - `indicative`: some step is a credential evaluation body's placement or an indirect correspondence;
 * - `issuer-claimed`: some step is the issuer's own statement (accredited or not);
 * - `none`: no published relation; the answer then says what the holder can do (`nextSteps`);
 * - `not-comparable`: one side is not a qualifications scale (a CEFR language level is not a qualification level).
 * No outcome means "recognised": recognition is a decision by a competent body, which `nextSteps` names.
 */
export const OUTCOMES = ['official', 'indicative', 'issuer-claimed', 'none', 'not-comparable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const RELATIONS = ['exact', 'close', 'broader', 'narrower'] as const;
export type Relation = (typeof RELATIONS)[number];

export const STATUSES = ['adopted', 'referenced-to-eqf', 'in-development'] as const;
export type FrameworkStatus = (typeof STATUSES)[number];

export const KINDS = ['meta', 'national', 'language'] as const;
export type FrameworkKind = (typeof KINDS)[number];

export interface Source {
  title: string;
  /** The title in the source's own language, when `title` is a translation. */
  titleOriginal?: string;
  /** When `title` is the original: the title in other languages, shown beside it (never instead of it). */
  titleTranslated?: Text;
  /** null when only a bibliographic reference is known. */
  url: string | null;
  verified: boolean;
  /** Publication date, or, when the page is undated, the date it was read (then `dateKind` is `accessed`). */
  date?: string;
  dateKind?: 'published' | 'accessed';
  accessed?: string;
  reference?: string;
  /**
   * true when the source itself states the relation it is cited for, level by level or qualification type by
   * qualification type (a referencing report, a credential evaluation body's country file). A source that only
   * describes a framework (its level count, "designed on the EQF model") is false: it can never justify an edge.
   */
  statesRelation?: boolean;
  /** `re-checked` when the live page was re-read on `accessed`; `notes` when taken from the project's source notes. */
  checked?: 're-checked' | 'notes';
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
  /**
   * Absolute when official (EQF: http://data.europa.eu/snb/eqf/4); otherwise the path under the service's base URL
   * where this service serves the level (/frameworks/ma-cnc/levels/5). levelUri(level, baseUrl) makes it absolute.
   */
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
  /** An official absolute URI base (EQF), or `/frameworks/<id>/levels/` under the service's base URL. */
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
  basis: EdgeBasis;
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

/** Explanation templates of one language (data/frameworks/messages.json); `{name}` placeholders. */
export interface LanguageMessages {
  /** Lead sentence per outcome: the answer comes first. */
  lead: Record<Outcome, string>;
  /** Joins alternative levels ("level 3 or 4"). */
  or: string;
  /** A bare national level with no relation: the qualification types at that level that have placements. */
  typesAtLevel: string;
  relationWords: Record<Relation, string>;
  /** "On whose word: {steps}", then one sentence per step, by basis. */
  onWhoseWord: string;
  step: Record<Basis, string>;
  placementText: string;
  placementNone: string;
  several: string;
  unverified: string;
  bestFit: string;
  agreement: string;
  nextStep: string;
  noNextStep: string;
  reasonRegulated: string;
  reasonGeneral: string;
  nationalLevel: string;
  languageFallback: string;
  /** Names the credential in a step when its achievement has no name. */
  credential: string;
  /** What a claim step rests on: the credential, signed by its issuer. */
  claimSource: string;
  basisWords: Record<Basis, string>;
  outcomeWords: Record<Outcome, string>;
  kindWords: Record<QualificationKind, string>;
}

export interface Messages {
  languages: string[];
  byLang: Record<string, LanguageMessages>;
}

export const QUALIFICATION_KINDS = ['school', 'vocational', 'higher-education'] as const;
export type QualificationKind = (typeof QUALIFICATION_KINDS)[number];

/**
 * A named qualification type of a country (data/frameworks/placements.json), e.g. the Moroccan Diplôme de
 * Technicien spécialisé. Its proper name stays in the original language (`originalName`); `title` describes it.
 */
export interface QualificationType {
  id: string;
  country: string;
  originalName: string;
  title: Text;
  /** What kind of qualification it is, main kind first (a Moroccan BTS: vocational and higher-education). */
  kinds: QualificationKind[];
  /** The national framework level, if the national framework places it; a national level, never an EQF level. */
  originLevel: string | null;
  originLevelSource?: Source;
  note?: Text;
}

/** Who placed a qualification type: a credential evaluation body (Nuffic (NL), ...). */
export interface EvaluationBody {
  id: string;
  name: string;
  country: string;
  title: Text;
  /** What the placement binds: "binds only Nuffic, for Dutch purposes". */
  scope: Text;
}

/** A published placement of a qualification type at one or more levels (EQF or a destination framework). */
export interface Placement {
  id: string;
  qualificationType: string;
  /** Level refs; several when the body says "level 3 or 4, depending on the programme". */
  to: string[];
  relation: Relation;
  by: EvaluationBody;
  basis: 'credential-evaluation-body';
  /** What the body compares it with, in its own terms ("MBO diploma level 3 or 4"). */
  comparableTo: Text;
  source: Source;
  date: string;
  verified: boolean;
  /** true when the level is read off the body's table of its own diplomas (Nuffic: MBO 2 = NLQF/EQF 2). */
  derived?: boolean;
  note?: Text;
}

export const ROUTES = ['academic', 'professional', 'vocational', 'school', 'regulated-profession', 'information'] as const;
export type ProcedureRoute = (typeof ROUTES)[number];

/** One recognition procedure of a jurisdiction (data/frameworks/recognition-procedures.json). */
export interface Procedure {
  id: string;
  route: ProcedureRoute;
  /** Which qualification kinds it serves; the engine picks by kind and by regulated occupation. */
  kinds: QualificationKind[];
  body: { name: string; title: Text };
  title: Text;
  summary: Text;
  url: string;
  fees: Text | null;
  duration: Text | null;
  sources: Source[];
  verified: boolean;
}

/** A country or, for Belgium, a community, with the frameworks whose holders it serves. */
export interface Jurisdiction {
  id: string;
  country: string;
  name: Text;
  frameworks: string[];
  procedures: Procedure[];
  /** What is not published (no fee found, no VET route...), said to the holder rather than hidden. */
  gaps?: Text;
}

/** An occupation known to be regulated (ESCO's regulatedProfessionNote), so the regulated route applies. */
export interface RegulatedOccupation {
  esco: string;
  isco08: string;
  title: Text;
  source: Source;
}

export interface Registry {
  frameworks: Map<string, Framework>;
  levels: Map<string, Level>;
  levelsByUri: Map<string, Level>;
  edges: Edge[];
  agreements: Agreement[];
  messages: Messages;
  qualificationTypes: Map<string, QualificationType>;
  placements: Placement[];
  jurisdictions: Jurisdiction[];
  regulatedOccupations: RegulatedOccupation[];
}

// ---- The answer: what `recognise()` returns. Self-describing: every human string is already in `lang`. ----

/** A source as shown to people: its title as published, the translation in the answer's language beside it, link, date. */
export interface SourceView {
  /** The title as published (a proper name: shown as is). */
  title: string;
  /** The title in the source's own language, when `title` is itself a translation. */
  titleOriginal?: string;
  /** The data's translations of the title, by language. */
  titleTranslated?: Text;
  /** The title in the answer's language, when the data translates it. */
  translatedTitle?: string;
  url: string | null;
  reference?: string;
  /** Publication date, or the date read (`dateKind: accessed`); absent when unknown. */
  date?: string;
  dateKind?: 'published' | 'accessed';
  verified: boolean;
  checked?: 're-checked' | 'notes';
}

/** One step of a path, in words. `from`/`to` are level refs or `qualification-type:<id>` / `credential`. */
export interface StepView {
  from: string;
  to: string;
  relation: Relation;
  basis: Basis;
  inverse: boolean;
  verified: boolean;
  /** Who says so, in words: "Nuffic (Netherlands) places it at EQF level 5". */
  text: string;
  source: SourceView;
  /** For a placement step: the placement id; for an accredited claim: the authority. */
  placement?: string;
  accreditedBy?: { id: string; name: string };
  parties?: string[];
}

export interface RecognitionPath {
  steps: StepView[];
  basis: Basis;
  relation: Relation;
  verified: boolean;
}

export interface PlacementView {
  id: string;
  qualificationType: { id: string; originalName: string; title: string; country: string };
  /** The national level, labelled national: never read as an EQF level. */
  originLevel: { ref: string; title: string; national: true } | null;
  levels: { ref: string; title: string; uri: string }[];
  relation: Relation;
  relationText: string;
  by: { id: string; name: string; country: string; title: string };
  /** The caveat: binds only that body. */
  bindsOnly: string;
  comparableTo: string;
  basis: 'credential-evaluation-body';
  /** One sentence: "Nuffic (Netherlands) places it at EQF level 3 or 4 (MBO diploma level 3 or 4)". */
  text: string;
  source: SourceView;
  verified: boolean;
  derived: boolean;
}

/** The step the holder can take: the competent body and procedure in the destination. */
export interface NextStep {
  id: string;
  jurisdiction: string;
  country: string;
  route: ProcedureRoute;
  /** Why this one: "vocational qualification", "regulated occupation: nurse". */
  reason: string;
  title: string;
  body: string;
  bodyOriginal: string;
  summary: string;
  url: string;
  fees: string | null;
  duration: string | null;
  sources: SourceView[];
  verified: boolean;
}

export interface RecognitionAgreement {
  id: string;
  title: string;
  establishesLevelEquivalence: boolean;
  occupations: string[];
}

export interface Recognition {
  /** The level ref asked about, or `qualification-type:<id>`, or `credential`. */
  from: string;
  /** Target framework id. */
  to: string;
  origin: {
    level: { ref: string; title: string; national: boolean } | null;
    qualificationType: { id: string; originalName: string; title: string; kind: QualificationKind; kindText: string } | null;
  };
  destination: { framework: string; title: string; country: string | null };
  outcome: Outcome;
  outcomeText: string;
  /** The relation of the answer when all paths agree, else null; `relationText` says it in words. */
  relation: Relation | null;
  relationText: string | null;
  levels: { ref: string; title: string; uri: string }[];
  paths: RecognitionPath[];
  /** Weakest basis of the chosen paths; null for none / not-comparable. */
  basis: Basis | null;
  basisText: string | null;
  /** false as soon as one step of a chosen path rests on an unverified fact. */
  verified: boolean | null;
  placements: PlacementView[];
  /** For a level asked without a qualification type: the types at that level that have placements. */
  qualificationTypesAtLevel: { id: string; originalName: string; title: string }[];
  agreements: RecognitionAgreement[];
  nextSteps: NextStep[];
  /** What is not published about the destination's procedures (no fee found, no route for vocational certificates). */
  nextStepsNote: string | null;
  /** Every source of the answer, once, in order of use. */
  sources: SourceView[];
  /** Short, leads with the answer; no ids and no URLs (those are in the fields above). */
  explanation: string;
  lang: string;
  requestedLang: string;
}
