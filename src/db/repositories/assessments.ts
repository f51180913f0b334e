import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { assessmentCases, assessmentEvents, assessmentEvidence, assessmentResults } from '../schema-assessment.js';
import { firstRow } from '../database.js';
import { Repository } from './repository.js';

export type AssessmentCaseRecord = typeof assessmentCases.$inferSelect;
export type AssessmentEventRecord = typeof assessmentEvents.$inferSelect;
export type EvidenceRecord = typeof assessmentEvidence.$inferSelect;
export type OutcomeResultRecord = typeof assessmentResults.$inferSelect;

export class AssessmentRepository extends Repository {
  async insertCase(record: AssessmentCaseRecord): Promise<void> {
    const { assessmentCases } = this.t;
    await this.query((db) => db.insert(assessmentCases).values(record));
  }

  byId(organisationId: string, id: string): Promise<AssessmentCaseRecord | undefined> {
    const { assessmentCases } = this.t;
    return this.query((db) => db.select().from(assessmentCases)
      .where(and(eq(assessmentCases.id, id), eq(assessmentCases.organisationId, organisationId))).limit(1).then(firstRow));
  }

  listFor(organisationId: string): Promise<AssessmentCaseRecord[]> {
    const { assessmentCases } = this.t;
    return this.query((db) => db.select().from(assessmentCases).where(eq(assessmentCases.organisationId, organisationId)).orderBy(asc(assessmentCases.createdAt)));
  }

  appealsOf(caseId: string): Promise<AssessmentCaseRecord[]> {
    const { assessmentCases } = this.t;
    return this.query((db) => db.select().from(assessmentCases).where(eq(assessmentCases.appealOf, caseId)));
  }

  /**
   * Updates a case only if it is still at `expectedStage`: two concurrent requests cannot both move it on, and a
   * decided case cannot be changed by a request that read it before the decision.
   */
  updateIfAt(id: string, expectedStage: string, changes: Partial<AssessmentCaseRecord>): Promise<boolean> {
    const { assessmentCases } = this.t;
    return this.query((db) => db.update(assessmentCases).set(changes)
      .where(and(eq(assessmentCases.id, id), eq(assessmentCases.stage, expectedStage)))
      .returning({ id: assessmentCases.id }).then((rows) => rows.length > 0));
  }

  appendEvent(event: Omit<AssessmentEventRecord, 'seq'>): Promise<void> {
    const { assessmentEvents } = this.t;
    return this.transaction(async () => {
      const last = await this.query((db) => db.select({ seq: assessmentEvents.seq }).from(assessmentEvents)
        .where(eq(assessmentEvents.caseId, event.caseId)).orderBy(desc(assessmentEvents.seq)).limit(1).then(firstRow));
      await this.query((db) => db.insert(assessmentEvents).values({ ...event, seq: (last?.seq ?? 0) + 1 }));
    });
  }

  eventsOf(caseId: string): Promise<AssessmentEventRecord[]> {
    const { assessmentEvents } = this.t;
    return this.query((db) => db.select().from(assessmentEvents).where(eq(assessmentEvents.caseId, caseId)).orderBy(asc(assessmentEvents.seq)));
  }

  /** Adds an item after the case's others (its position keeps the order when several share a timestamp). */
  insertEvidence(record: Omit<EvidenceRecord, 'position'>): Promise<EvidenceRecord> {
    const { assessmentEvidence } = this.t;
    return this.transaction(async () => {
      const last = await this.query((db) => db.select({ position: max(assessmentEvidence.position) }).from(assessmentEvidence)
        .where(eq(assessmentEvidence.caseId, record.caseId)).then(firstRow));
      const stored = { ...record, position: (last?.position ?? 0) + 1 };
      await this.query((db) => db.insert(assessmentEvidence).values(stored));
      return stored;
    });
  }

  evidenceOf(caseId: string): Promise<EvidenceRecord[]> {
    const { assessmentEvidence } = this.t;
    return this.query((db) => db.select().from(assessmentEvidence).where(eq(assessmentEvidence.caseId, caseId))
      .orderBy(asc(assessmentEvidence.position)));
  }

  evidenceItem(caseId: string, id: string): Promise<EvidenceRecord | undefined> {
    const { assessmentEvidence } = this.t;
    return this.query((db) => db.select().from(assessmentEvidence)
      .where(and(eq(assessmentEvidence.caseId, caseId), eq(assessmentEvidence.id, id))).limit(1).then(firstRow));
  }

  async upsertResult(record: OutcomeResultRecord): Promise<void> {
    const { assessmentResults } = this.t;
    await this.query((db) => db.insert(assessmentResults).values(record).onConflictDoUpdate({
      target: [assessmentResults.caseId, assessmentResults.unitId, assessmentResults.outcomeId],
      set: { method: record.method, result: record.result, comment: record.comment, assessedAt: record.assessedAt, assessedBy: record.assessedBy },
    }));
  }

  resultsOf(caseId: string): Promise<OutcomeResultRecord[]> {
    const { assessmentResults } = this.t;
    return this.query((db) => db.select().from(assessmentResults).where(eq(assessmentResults.caseId, caseId))
      .orderBy(asc(assessmentResults.unitId), asc(assessmentResults.outcomeId)));
  }
}
