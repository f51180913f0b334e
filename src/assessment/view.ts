import type { Organisation } from '../db/repositories/organisations.js';
import type { AssessmentCaseRecord, AssessmentRepository, EvidenceRecord } from '../db/repositories/assessments.js';
import { caseUrl } from './cases.js';
import { outcomeRef, validatedUnits, type OutcomeResult, type Unit } from './model.js';

export function evidenceView(item: EvidenceRecord, url: string) {
  return {
    id: item.id, kind: item.kind, title: item.title, description: item.description, attestedBy: item.attestedBy,
    period: item.periodFrom && item.periodTo ? { from: item.periodFrom, to: item.periodTo } : null,
    hours: item.hours, sha256: item.sha256,
    file: item.fileSize !== null ? { name: item.fileName, mediaType: item.mediaType, size: item.fileSize, url: `${url}/evidence/${item.id}/file` } : null,
    outcomes: item.outcomes, addedAt: item.addedAt, addedBy: item.addedBy,
  };
}

/** The whole case as its assessors see it: units with their results, evidence (files by link), decision, history. */
export async function caseView(assessments: AssessmentRepository, organisation: Organisation, baseUrl: string, record: AssessmentCaseRecord) {
  const url = caseUrl(baseUrl, organisation, record.id);
  const results = new Map((await assessments.resultsOf(record.id)).map((r) => [outcomeRef(r.unitId, r.outcomeId), r]));
  const units = record.units as unknown as Unit[];
  const validated = new Set(validatedUnits(units, new Map([...results].map(([k, r]) => [k, r.result as OutcomeResult]))).map((u) => u.id));
  return {
    id: record.id, url, stage: record.stage, candidate: record.candidate, reference: record.reference,
    units: units.map((u) => ({
      ...u,
      validated: validated.has(u.id),
      outcomes: u.outcomes.map((o) => {
        const r = results.get(outcomeRef(u.id, o.id));
        return { ...o, assessment: r ? { method: r.method, result: r.result, comment: r.comment, assessedAt: r.assessedAt, assessedBy: r.assessedBy } : null };
      }),
    })),
    assessors: record.assessors,
    evidence: (await assessments.evidenceOf(record.id)).map((item) => evidenceView(item, url)),
    decision: record.decision ? { decision: record.decision, rationale: record.decisionRationale, gapTraining: record.gapTraining } : null,
    credentialId: record.credentialId,
    appealOf: record.appealOf, appealReason: record.appealReason,
    appeals: (await assessments.appealsOf(record.id)).map((a) => a.id),
    history: (await assessments.eventsOf(record.id)).map(({ caseId: _caseId, ...event }) => event),
    createdAt: record.createdAt, updatedAt: record.updatedAt,
  };
}
