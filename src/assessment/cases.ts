import crypto from 'node:crypto';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import type { AuditLog, AuditAction } from '../audit/auditLog.js';
import type { Organisation, OrganisationRepository } from '../db/repositories/organisations.js';
import type { AchievementRepository } from '../db/repositories/training.js';
import type { AssessmentCaseRecord, AssessmentRepository, EvidenceRecord } from '../db/repositories/assessments.js';
import { resolveAlignment } from '../frameworks/registry.js';
import { achievementUrl, requireAchievement } from '../training/achievements.js';
import { textIn } from '../training/language.js';
import {
  MAX_EVIDENCE_FILE_BYTES, decisionFor, outcomeRef, validatedUnits,
  type Assessor, type AssessmentMethod, type Candidate, type Decision, type EvidenceKind, type GapTraining, type OutcomeResult,
  type ReferenceStandard, type Stage, type Unit,
} from './model.js';

export interface AssessmentDeps {
  assessments: AssessmentRepository;
  achievements: AchievementRepository;
  organisations: OrganisationRepository;
  audit: AuditLog;
  baseUrl: string;
  now: () => Date;
}

/** Who acts on a case: the assessing organisation and the token used. */
export interface Actor { organisation: Organisation; tokenId: string | null }

export interface ReferenceInput {
  /** A catalogue achievement id, of this organisation or of `organisation` (e.g. a national authority's standard). */
  achievement?: string;
  organisation?: string;
  version?: number;
  /** Or a standard published elsewhere: its URL, name and level. */
  url?: string;
  name?: string;
  /** The language of its name, which the credential's own sentences follow (default English). */
  language?: string;
  alignment?: ReferenceStandard['alignment'];
}

export interface OpenCaseInput { candidate: Candidate; reference: ReferenceInput; units: Unit[] }

export const caseUrl = (baseUrl: string, organisation: Organisation, id: string) => `${baseUrl}/orgs/${organisation.slug}/assessments/${id}`;

async function resolveReference(deps: AssessmentDeps, actor: Actor, input: ReferenceInput): Promise<ReferenceStandard> {
  if ((input.achievement === undefined) === (input.url === undefined)) {
    throw badRequest('invalid-reference', 'reference needs exactly one of achievement (a catalogue achievement id) or url (a standard published elsewhere, with its name)');
  }
  if (input.achievement !== undefined) {
    const owner = input.organisation === undefined ? actor.organisation : await deps.organisations.bySlug(input.organisation);
    if (!owner) throw notFound('unknown-organisation', `reference.organisation "${input.organisation}" is not an organisation here`);
    const achievement = await requireAchievement(deps.achievements, owner, input.achievement, input.version);
    return {
      source: 'catalogue', url: achievementUrl(deps.baseUrl, owner, achievement.id),
      name: textIn(achievement.definition.name, achievement.definition.language), language: achievement.definition.language,
      organisationId: owner.id, achievementId: achievement.id, version: achievement.version,
    };
  }
  if (!input.name) throw badRequest('invalid-reference', 'An external reference needs its name as well as its url');
  for (const [i, alignment] of (input.alignment ?? []).entries()) {
    if (!resolveAlignment(alignment)) {
      throw badRequest('unknown-framework-level', `reference.alignment[${i}] names no level of a known framework; GET /frameworks lists them (EQF levels are http://data.europa.eu/snb/eqf/1 to 8)`);
    }
  }
  return { source: 'external', url: input.url!, name: input.name, language: input.language ?? 'en', alignment: input.alignment ?? [] };
}

function checkUnits(units: Unit[]): void {
  const unitIds = units.map((u) => u.id);
  if (new Set(unitIds).size !== unitIds.length) throw badRequest('duplicate-id', 'Two units have the same id; give each its own');
  for (const unit of units) {
    const ids = unit.outcomes.map((o) => o.id);
    if (new Set(ids).size !== ids.length) throw badRequest('duplicate-id', `Unit "${unit.id}" has two learning outcomes with the same id`);
  }
}

/** Identification: the candidate, the reference standard and the units (with their learning outcomes) to validate. */
export async function openCase(deps: AssessmentDeps, actor: Actor, input: OpenCaseInput): Promise<AssessmentCaseRecord> {
  const reference = await resolveReference(deps, actor, input.reference);
  checkUnits(input.units);
  const now = deps.now().toISOString();
  const record: AssessmentCaseRecord = {
    id: crypto.randomUUID(), organisationId: actor.organisation.id,
    candidate: { ...input.candidate }, reference: { ...reference }, units: input.units.map((u) => ({ ...u })),
    stage: 'identification', assessors: [], decision: null, decisionRationale: null, gapTraining: null,
    appealOf: null, appealReason: null, credentialId: null, createdAt: now, updatedAt: now,
  };
  return withEntry(deps, actor, record.id, 'assessment.opened', { reference: reference.url, units: input.units.map((u) => u.id) }, async () => {
    await deps.assessments.insertCase(record);
    await recordEvent(deps, actor, record.id, 'opened', 'identification', { reference: reference.url });
    return record;
  });
}

export async function requireCase(deps: Pick<AssessmentDeps, 'assessments'>, organisation: Organisation, id: string): Promise<AssessmentCaseRecord> {
  const record = await deps.assessments.byId(organisation.id, id);
  if (!record) throw notFound('unknown-assessment', `Organisation "${organisation.slug}" has no assessment case ${id}`);
  return record;
}

const unitsOf = (record: AssessmentCaseRecord) => record.units as unknown as Unit[];
export const referenceOf = (record: AssessmentCaseRecord) => record.reference as unknown as ReferenceStandard;

/** Refuses any change to a decided case, and any change that belongs to another stage. */
function requireStage(record: AssessmentCaseRecord, allowed: Stage[], what: string): void {
  if (record.stage === 'decided' || record.stage === 'certified') {
    throw conflict('case-decided', `Case ${record.id} was decided (${record.decision}); it cannot be changed, only appealed (POST .../assessments/${record.id}/appeal)`);
  }
  if (!allowed.includes(record.stage as Stage)) {
    throw conflict('wrong-stage', `${what} belongs to the ${allowed.join(' or ')} stage; case ${record.id} is at ${record.stage}`);
  }
}

async function recordEvent(deps: AssessmentDeps, actor: Actor, caseId: string, event: string, stage: string, details: Record<string, unknown>): Promise<void> {
  await deps.assessments.appendEvent({ caseId, at: deps.now().toISOString(), actorTokenId: actor.tokenId, event, stage, details });
}

/** Runs the case change and its audit entry in one transaction. */
async function withEntry<T>(deps: AssessmentDeps, actor: Actor, caseId: string, action: AuditAction, details: Record<string, unknown>, change: () => Promise<T>): Promise<T> {
  return deps.audit.record(change, () => ({ organisationId: actor.organisation.id, actorTokenId: actor.tokenId, action, subject: caseId, details }));
}

/** Moves the case on by one stage, compare-and-set on the stage it was read at. */
async function moveStage(deps: AssessmentDeps, record: AssessmentCaseRecord, to: Stage, changes: Partial<AssessmentCaseRecord> = {}): Promise<void> {
  if (!await deps.assessments.updateIfAt(record.id, record.stage, { ...changes, stage: to, updatedAt: deps.now().toISOString() })) {
    throw conflict('stage-changed-concurrently', `Case ${record.id} changed while this request ran; fetch it and try again`);
  }
}

const NEXT_STAGE: Partial<Record<Stage, Stage>> = { identification: 'documentation', documentation: 'assessment' };

/** identification → documentation → assessment; the decision and certification have their own operations. */
export async function advanceStage(deps: AssessmentDeps, actor: Actor, id: string, to: Stage, note?: string): Promise<AssessmentCaseRecord> {
  const record = await requireCase(deps, actor.organisation, id);
  requireStage(record, ['identification', 'documentation'], 'Moving to documentation or assessment');
  if (NEXT_STAGE[record.stage as Stage] !== to) {
    throw conflict('invalid-stage-transition', `Case ${id} is at ${record.stage}; the next stage is ${NEXT_STAGE[record.stage as Stage]}, not ${to}`);
  }
  if (to === 'assessment' && (await deps.assessments.evidenceOf(id)).length === 0) {
    throw conflict('no-evidence', 'Document the candidate\'s learning (POST .../evidence) before assessing it');
  }
  return withEntry(deps, actor, id, 'assessment.stage-changed', { from: record.stage, to }, async () => {
    await moveStage(deps, record, to);
    await recordEvent(deps, actor, id, 'stage-changed', to, { from: record.stage, ...(note ? { note } : {}) });
    return await requireCase(deps, actor.organisation, id);
  });
}

export interface EvidenceInput {
  kind: EvidenceKind;
  title: string;
  description: string;
  attestedBy?: string;
  period?: { from: string; to: string };
  hours?: number;
  sha256?: string;
  file?: { name: string; mediaType: string; contentBase64: string };
  outcomes?: string[];
}

/** Documentation (and observations or interviews recorded during assessment). */
export async function addEvidence(deps: AssessmentDeps, actor: Actor, id: string, input: EvidenceInput): Promise<EvidenceRecord> {
  const record = await requireCase(deps, actor.organisation, id);
  requireStage(record, ['documentation', 'assessment'], 'Adding evidence');
  const known = new Set(unitsOf(record).flatMap((u) => [u.id, ...u.outcomes.map((o) => outcomeRef(u.id, o.id))]));
  const unknown = (input.outcomes ?? []).filter((ref) => !known.has(ref));
  if (unknown.length > 0) {
    throw badRequest('unknown-outcome', `outcomes ${unknown.join(', ')} are not in this case; use "<unitId>" or "<unitId>/<outcomeId>" (${[...known].slice(0, 6).join(', ')}...)`);
  }
  if (input.period && input.period.from > input.period.to) throw badRequest('invalid-period', 'period.from must not be after period.to');
  let file: Buffer | null = null;
  let sha256 = input.sha256?.toLowerCase() ?? null;
  if (input.file) {
    file = Buffer.from(input.file.contentBase64, 'base64');
    if (file.length === 0) throw badRequest('empty-evidence-file', 'file.contentBase64 decodes to nothing; send the file as base64');
    if (file.length > MAX_EVIDENCE_FILE_BYTES) {
      throw new AppError('evidence-file-too-large', 413, `The file is ${file.length} bytes; at most ${MAX_EVIDENCE_FILE_BYTES} are kept. Keep the file elsewhere and send only its sha256`);
    }
    const computed = crypto.createHash('sha256').update(file).digest('hex');
    if (sha256 && sha256 !== computed) {
      throw badRequest('evidence-hash-mismatch', `sha256 ${sha256} does not match the file sent (${computed}); send the right file or leave sha256 out`);
    }
    sha256 = computed;
  }
  const evidence: Omit<EvidenceRecord, 'position'> = {
    id: crypto.randomUUID(), caseId: id, kind: input.kind, title: input.title, description: input.description,
    attestedBy: input.attestedBy ?? null, periodFrom: input.period?.from ?? null, periodTo: input.period?.to ?? null,
    hours: input.hours ?? null, sha256, fileName: input.file?.name ?? null, mediaType: input.file?.mediaType ?? null,
    fileSize: file?.length ?? null, file, outcomes: input.outcomes ?? [], addedAt: deps.now().toISOString(), addedBy: actor.tokenId,
  };
  return deps.audit.record(async () => {
    // Re-checked inside the transaction: a decision taken meanwhile freezes the case.
    requireStage(await requireCase(deps, actor.organisation, id), ['documentation', 'assessment'], 'Adding evidence');
    const stored = await deps.assessments.insertEvidence(evidence);
    await recordEvent(deps, actor, id, 'evidence-added', record.stage, { evidence: evidence.id, kind: evidence.kind, sha256 });
    return stored;
  }, () => undefined);
}

export interface ResultsInput {
  assessors?: Assessor[];
  results: Array<{ unit: string; outcome: string; method: AssessmentMethod; result: OutcomeResult; comment?: string }>;
}

/** Assessment: the method and the result for each learning outcome, and who assessed. Results can be revised until the decision. */
export async function recordResults(deps: AssessmentDeps, actor: Actor, id: string, input: ResultsInput): Promise<AssessmentCaseRecord> {
  const record = await requireCase(deps, actor.organisation, id);
  requireStage(record, ['assessment'], 'Recording results');
  const units = unitsOf(record);
  for (const r of input.results) {
    const unit = units.find((u) => u.id === r.unit);
    if (!unit?.outcomes.some((o) => o.id === r.outcome)) {
      throw badRequest('unknown-outcome', `Learning outcome ${outcomeRef(r.unit, r.outcome)} is not in this case`);
    }
  }
  const now = deps.now().toISOString();
  return deps.audit.record(async () => {
    requireStage(await requireCase(deps, actor.organisation, id), ['assessment'], 'Recording results');
    for (const r of input.results) {
      await deps.assessments.upsertResult({
        caseId: id, unitId: r.unit, outcomeId: r.outcome, method: r.method, result: r.result, comment: r.comment ?? null, assessedAt: now, assessedBy: actor.tokenId,
      });
    }
    if (input.assessors) await deps.assessments.updateIfAt(id, 'assessment', { assessors: input.assessors.map((a) => ({ ...a })), updatedAt: now });
    await recordEvent(deps, actor, id, 'results-recorded', 'assessment', {
      outcomes: input.results.map((r) => `${outcomeRef(r.unit, r.outcome)}: ${r.result} (${r.method})`),
      ...(input.assessors ? { assessors: input.assessors.map((a) => a.name) } : {}),
    });
    return await requireCase(deps, actor.organisation, id);
  }, () => undefined);
}

export const resultsMap = async (deps: Pick<AssessmentDeps, 'assessments'>, caseId: string) =>
  new Map((await deps.assessments.resultsOf(caseId)).map((r) => [outcomeRef(r.unitId, r.outcomeId), r.result as OutcomeResult]));

export interface DecisionInput { decision: Decision; rationale: string; gapTraining?: Array<{ unit: string; advice: string }> }

/**
 * The decision, full, partial or none, must be what the recorded results give (it is the jury's act, and a mismatch is
 * a mistake to catch, not to resolve silently). Every unit not validated needs gap-training advice.
 */
export async function decide(deps: AssessmentDeps, actor: Actor, id: string, input: DecisionInput): Promise<AssessmentCaseRecord> {
  const record = await requireCase(deps, actor.organisation, id);
  requireStage(record, ['assessment'], 'Deciding');
  const units = unitsOf(record);
  const results = await resultsMap(deps, id);
  const missing = units.flatMap((u) => u.outcomes.map((o) => outcomeRef(u.id, o.id))).filter((ref) => !results.has(ref));
  if (missing.length > 0) throw conflict('outcomes-not-assessed', `Record a result for every learning outcome before deciding; missing: ${missing.join(', ')}`, { missing });
  const assessors = record.assessors as unknown as Assessor[];
  if (!assessors.some((a) => a.role === 'assessor' || a.role === 'jury-member')) {
    throw conflict('no-assessor', 'Name at least one assessor or jury member (POST .../results with assessors) before deciding');
  }
  const expected = decisionFor(units, results);
  if (input.decision !== expected) {
    throw badRequest('decision-contradicts-results', `The results recorded give "${expected}", not "${input.decision}"; revise the results or the decision`, { expected });
  }
  const validated = new Set(validatedUnits(units, results).map((u) => u.id));
  const advice = new Map((input.gapTraining ?? []).map((g) => [g.unit, g.advice]));
  const withoutAdvice = units.filter((u) => !validated.has(u.id) && !advice.get(u.id));
  if (withoutAdvice.length > 0) {
    throw badRequest('gap-training-advice-required', `Give gap-training advice for each unit not validated: ${withoutAdvice.map((u) => u.id).join(', ')}`);
  }
  const gapTraining: GapTraining[] = units.filter((u) => !validated.has(u.id)).map((u) => ({
    unit: u.id, name: u.name, advice: advice.get(u.id)!,
    outcomes: u.outcomes.filter((o) => results.get(outcomeRef(u.id, o.id)) !== 'demonstrated')
      .map((o) => ({ id: o.id, statement: o.statement, result: results.get(outcomeRef(u.id, o.id))! })),
  }));
  return withEntry(deps, actor, id, 'assessment.decided', { decision: expected, validatedUnits: [...validated] }, async () => {
    await moveStage(deps, record, 'decided', { decision: expected, decisionRationale: input.rationale, gapTraining: gapTraining.map((g) => ({ ...g })) });
    await recordEvent(deps, actor, id, 'decided', 'decided', { decision: expected, validatedUnits: [...validated] });
    return await requireCase(deps, actor.organisation, id);
  });
}

/**
 * Marks a decided case certified, inside the credential's issuance transaction. If another request certified it
 * first, this throws and the second credential is never recorded.
 */
export async function markCertified(deps: AssessmentDeps, actor: Actor, record: AssessmentCaseRecord, credentialId: string): Promise<void> {
  await withEntry(deps, actor, record.id, 'assessment.certified', { credentialId, decision: record.decision }, async () => {
    if (!await deps.assessments.updateIfAt(record.id, 'decided', { stage: 'certified', credentialId, updatedAt: deps.now().toISOString() })) {
      throw conflict('already-certified', `Case ${record.id} was certified meanwhile; fetch it for its credential`);
    }
    await recordEvent(deps, actor, record.id, 'certified', 'certified', { credentialId });
  });
}

/**
 * An appeal is a new case linked to the decided one: same candidate, reference, units and evidence, assessed again
 * from the documentation stage. The decided case itself stays as it was.
 */
export async function appeal(deps: AssessmentDeps, actor: Actor, id: string, reason: string): Promise<AssessmentCaseRecord> {
  const original = await requireCase(deps, actor.organisation, id);
  if (original.stage !== 'decided' && original.stage !== 'certified') {
    throw conflict('not-decided', `Case ${id} is at ${original.stage}; only a decision can be appealed`);
  }
  if ((await deps.assessments.appealsOf(id)).length > 0) throw conflict('already-appealed', `Case ${id} was already appealed; follow the appeal case`);
  const now = deps.now().toISOString();
  const record: AssessmentCaseRecord = {
    ...original, id: crypto.randomUUID(), stage: 'documentation', assessors: [], decision: null, decisionRationale: null,
    gapTraining: null, appealOf: id, appealReason: reason, credentialId: null, createdAt: now, updatedAt: now,
  };
  return withEntry(deps, actor, record.id, 'assessment.appealed', { appealOf: id, reason }, async () => {
    await deps.assessments.insertCase(record);
    for (const evidence of await deps.assessments.evidenceOf(id)) await deps.assessments.insertEvidence({ ...evidence, id: crypto.randomUUID(), caseId: record.id });
    await recordEvent(deps, actor, record.id, 'opened', 'documentation', { appealOf: id, reason });
    await recordEvent(deps, actor, id, 'appealed', original.stage, { appeal: record.id, reason });
    return record;
  });
}
