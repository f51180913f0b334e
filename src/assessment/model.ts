/**
 * The vocabulary of a validation case. Stages follow the EU Council Recommendation of 20 December 2012 on the
 * validation of non-formal and informal learning; what is recorded follows the synthesis in docs/frameworks.md §5.
 */

export const STAGES = ['identification', 'documentation', 'assessment', 'decided', 'certified'] as const;
export type Stage = (typeof STAGES)[number];

export const EVIDENCE_KINDS = ['work-record', 'employer-attestation', 'portfolio-item', 'observation', 'interview'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const ASSESSMENT_METHODS = ['observation', 'simulation', 'interview', 'test', 'portfolio-review'] as const;
export type AssessmentMethod = (typeof ASSESSMENT_METHODS)[number];

export const OUTCOME_RESULTS = ['demonstrated', 'partially-demonstrated', 'not-demonstrated'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

export const DECISIONS = ['full', 'partial', 'none'] as const;
export type Decision = (typeof DECISIONS)[number];

export const ASSESSOR_ROLES = ['assessor', 'jury-member', 'adviser'] as const;

/** Evidence files are kept for the assessor, not as an archive: 512 KiB takes a scanned attestation or a photo, and its base64 fits the 1 MB body limit. */
export const MAX_EVIDENCE_FILE_BYTES = 512 * 1024;

/**
 * How a partial validation credential names a validated unit among its achievement's alignments (an `ext:`
 * AlignmentTargetType, as Open Badges 3.0 allows). Readers use it to tell the credential is for units, not the whole.
 */
export const UNIT_ALIGNMENT_TYPE = 'ext:UnitOfCompetence';

export interface LearningOutcome { id: string; statement: string }
export interface Unit { id: string; name: string; outcomes: LearningOutcome[] }
export interface Candidate { name: string; did?: string }
export interface Assessor { name: string; role: (typeof ASSESSOR_ROLES)[number]; organisation?: string }

/** The reference standard as it stood when the case opened. */
export interface ReferenceStandard {
  source: 'catalogue' | 'external';
  /** The achievement's URL: /orgs/<slug>/achievements/<id> for the catalogue. */
  url: string;
  name: string;
  language: string;
  /** Catalogue references: whose achievement, which id and version (pinned, so later edits do not change the case). */
  organisationId?: string;
  achievementId?: string;
  version?: number;
  /** External references: their level alignments, checked against the framework registry. */
  alignment?: Array<{ targetFramework?: string; targetCode?: string; targetUrl?: string }>;
}

export interface GapTraining { unit: string; name: string; outcomes: Array<{ id: string; statement: string; result: OutcomeResult }>; advice: string }

export const outcomeRef = (unitId: string, outcomeId: string) => `${unitId}/${outcomeId}`;

/** A unit is validated when every one of its outcomes is demonstrated; "partially demonstrated" is not enough. */
export function validatedUnits(units: Unit[], results: Map<string, OutcomeResult>): Unit[] {
  return units.filter((unit) => unit.outcomes.every((o) => results.get(outcomeRef(unit.id, o.id)) === 'demonstrated'));
}

/** Full when every unit in scope is validated, partial when some are, none otherwise. */
export function decisionFor(units: Unit[], results: Map<string, OutcomeResult>): Decision {
  const validated = validatedUnits(units, results).length;
  return validated === units.length ? 'full' : validated > 0 ? 'partial' : 'none';
}
